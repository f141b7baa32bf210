package storetest

import (
	"encoding/json"

	ba "github.com/betterauth-go/betterauth"
)

// ProductionFields are the user.additionalFields of a production-like app,
// as its auth.ts declares them, in its order (the column order Better
// Auth's migrator creates and the key order of its answers): a required
// field with a default, an input:false one, a boolean with a default
// (required by omission, so NOT NULL), an optional one with a default, an
// optional one, a returned:false one and a required one without a default.
// The live tests give them to the real Better Auth (batest's
// additionalFields).
var ProductionFields = json.RawMessage(`{
	"plan": {"type": "string", "required": true, "defaultValue": "free"},
	"stripeCustomerId": {"type": "string", "required": false, "input": false},
	"notificationsEnabled": {"type": "boolean", "defaultValue": true},
	"theme": {"type": "string", "required": false, "defaultValue": "system"},
	"bio": {"type": "string", "required": false},
	"internalNote": {"type": "string", "required": false, "returned": false},
	"country": {"type": "string", "required": true}
}`)

// ProductionGoFields declares ProductionFields to the Go schema. A field
// without `required` is required to Better Auth (NOT NULL), as
// notificationsEnabled is. Each call returns a new slice.
func ProductionGoFields() []ba.Field {
	return []ba.Field{
		{Name: "plan", Type: ba.TypeString, Required: true, Default: "free"},
		{Name: "stripeCustomerId", Type: ba.TypeString, NoInput: true},
		{Name: "notificationsEnabled", Type: ba.TypeBoolean, Required: true, Default: true},
		{Name: "theme", Type: ba.TypeString, Default: "system"},
		{Name: "bio", Type: ba.TypeString},
		{Name: "internalNote", Type: ba.TypeString, NotReturned: true},
		{Name: "country", Type: ba.TypeString, Required: true},
	}
}
