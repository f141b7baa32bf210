package conformance

import (
	"context"
	"strings"
	"testing"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/appfixture"
	"github.com/betterauth-go/betterauth/internal/configexport"
	"github.com/betterauth-go/betterauth/sqlstore"
)

// TestSchemaParityAppConfig exports the production-like fixture app
// (admin + organization with teams + twoFactor, additional user fields with
// required+default, input:false and boolean defaults), lets Better Auth
// migrate one fresh PostgreSQL database through the app itself and the Go
// side migrate another with the Schema derived from the export: the two
// catalogs must be identical, and on Better Auth's database the Go side's
// check finds nothing and migrate has nothing to do.
func TestSchemaParityAppConfig(t *testing.T) {
	ctx := context.Background()
	dir := appfixture.Ensure(t)
	env := appfixture.Env(map[string]string{"BETTER_AUTH_SECRET": secret, "BETTER_AUTH_URL": "http://localhost:3000", "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"})
	res, err := configexport.Export(ctx, configexport.Options{Dir: dir, Env: env})
	if err != nil {
		t.Fatal(err)
	}
	schema := res.Config.Schema()

	baDB, goDB := dialects()["postgres"](t), dialects()["postgres"](t)
	var mig struct{ SQL string }
	appfixture.Op(t, map[string]string{"BETTER_AUTH_SECRET": secret, "DATABASE_URL": baDB.url}, "migrate", nil, &mig)
	if !strings.Contains(mig.SQL, `"plan" text not null`) {
		t.Errorf("Better Auth's migration has no NOT NULL plan column:\n%s", mig.SQL)
	}

	migrateMatchesBetterAuth(t, goDB, baDB, sqlstore.Options{Schema: schema})
	if r, err := schema.Resolve(); err != nil || !r.HasPlugin(ba.PluginTwoFactor) || r.Table(ba.ModelTeam) == nil {
		t.Errorf("derived schema lacks twoFactor or teams (%v)", err)
	}
}
