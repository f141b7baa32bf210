package betterauth

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/betterauth-go/betterauth/internal/errtext"
	"github.com/betterauth-go/betterauth/internal/jsjson"
)

// Fields holds custom field values (Better Auth's additionalFields) by
// logical field name. Stores fill it with one Go type per logical type:
//
//	string   → string        number   → int64 (float64 if not whole)
//	boolean  → bool          date     → time.Time (UTC)
//	json     → json.RawMessage
//	string[] → []string      number[] → []float64
//
// A field whose column is NULL is absent from the map. Read values with
// FieldValue, or decode all of them into a struct of your own with Decode.
type Fields map[string]any

// FieldValue returns the custom field name as a T, and whether it was set and
// of that type.
//
//	bio, ok := betterauth.FieldValue[string](user.Fields, "bio")
func FieldValue[T any](f Fields, name string) (T, bool) {
	v, ok := f[name].(T)
	return v, ok
}

// Decode copies the fields into dst, a pointer to a struct whose json tags
// name the logical fields:
//
//	var extra struct {
//		Bio   string `json:"bio"`
//		Theme string `json:"theme"`
//	}
//	err := user.Fields.Decode(&extra)
func (f Fields) Decode(dst any) error {
	b, err := json.Marshal(map[string]any(f))
	if err != nil {
		return fmt.Errorf("betterauth: decode fields: %w", err)
	}
	if err := json.Unmarshal(b, dst); err != nil {
		return fmt.Errorf("betterauth: decode fields: %w", err)
	}
	return nil
}

// FieldsOf builds Fields from a struct with json tags naming logical fields —
// the inverse of Decode. Zero values are kept; use pointers with omitempty to
// leave a field out.
func FieldsOf(src any) (Fields, error) {
	b, err := json.Marshal(src)
	if err != nil {
		return nil, fmt.Errorf("betterauth: fields of %T: %w", src, err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("betterauth: fields of %T: not a JSON object", src)
	}
	return Fields(m), nil
}

// NormalizeFieldValue converts a Go or JSON-decoded value to the canonical
// Go type of a logical field type (see Fields), or reports why it cannot.
// nil stays nil.
func NormalizeFieldValue(t FieldType, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch t {
	case TypeString:
		if s, ok := v.(string); ok {
			return s, nil
		}
	case TypeBoolean:
		if b, ok := v.(bool); ok {
			return b, nil
		}
	case TypeNumber:
		switch n := v.(type) {
		case int:
			return int64(n), nil
		case int32:
			return int64(n), nil
		case int64:
			return n, nil
		case float64:
			if math.IsNaN(n) || math.IsInf(n, 0) {
				return nil, fmt.Errorf("%w: number is not finite", ErrInvalid)
			}
			if n == math.Trunc(n) && math.Abs(n) < 1<<53 {
				return int64(n), nil
			}
			return n, nil
		case json.Number:
			if i, err := n.Int64(); err == nil {
				return i, nil
			}
			if f, err := n.Float64(); err == nil {
				return f, nil
			}
		}
	case TypeDate:
		switch d := v.(type) {
		case time.Time:
			return d.UTC(), nil
		case *time.Time:
			if d == nil {
				return nil, nil
			}
			return d.UTC(), nil
		case string:
			tm, err := ParseTime(d)
			if err != nil {
				return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
			}
			return tm, nil
		}
	case TypeJSON:
		switch j := v.(type) {
		case json.RawMessage:
			if !json.Valid(j) {
				return nil, fmt.Errorf("%w: invalid JSON", ErrInvalid)
			}
			return j, nil
		case []byte:
			if !json.Valid(j) {
				return nil, fmt.Errorf("%w: invalid JSON", ErrInvalid)
			}
			return json.RawMessage(j), nil
		default:
			b, err := json.Marshal(j)
			if err != nil {
				return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
			}
			return json.RawMessage(b), nil
		}
	case TypeStringArray:
		switch a := v.(type) {
		case []string:
			return a, nil
		case []any:
			out := make([]string, len(a))
			for i, e := range a {
				s, ok := e.(string)
				if !ok {
					return nil, fmt.Errorf("%w: element %d of string[] is %T", ErrInvalid, i, e)
				}
				out[i] = s
			}
			return out, nil
		}
	case TypeNumberArray:
		switch a := v.(type) {
		case []float64:
			return a, nil
		case []int64:
			out := make([]float64, len(a))
			for i, e := range a {
				out[i] = float64(e)
			}
			return out, nil
		case []any:
			out := make([]float64, len(a))
			for i, e := range a {
				f, ok := e.(float64)
				if !ok {
					return nil, fmt.Errorf("%w: element %d of number[] is %T", ErrInvalid, i, e)
				}
				out[i] = f
			}
			return out, nil
		}
	default:
		return nil, fmt.Errorf("%w: unknown field type %q", ErrInvalid, t)
	}
	return nil, fmt.Errorf("%w: %T is not a %s", ErrInvalid, v, t)
}

// Nullable is an optional update of a nullable column: absent (Set false),
// set to a value, or set to NULL (Set true, Value nil). In JSON, a missing key
// is absent and `null` clears.
type Nullable[T any] struct {
	Set   bool
	Value *T
}

// Null returns a Nullable that clears the column.
func Null[T any]() Nullable[T] { return Nullable[T]{Set: true} }

// Value returns a Nullable that sets the column to v.
func Value[T any](v T) Nullable[T] { return Nullable[T]{Set: true, Value: &v} }

// UnmarshalJSON marks the value as set; `null` sets it to NULL.
func (n *Nullable[T]) UnmarshalJSON(b []byte) error {
	n.Set = true
	if string(b) == "null" {
		n.Value = nil
		return nil
	}
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	n.Value = &v
	return nil
}

// FieldErrors maps a JSON field name to what is wrong with it. It wraps
// ErrInvalid, so errors.Is(err, ErrInvalid) holds.
type FieldErrors map[string]string

func (e FieldErrors) Error() string {
	keys := make([]string, 0, len(e))
	for k := range e {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ": " + e[k]
	}
	return "invalid input: " + strings.Join(parts, "; ")
}

// Unwrap makes FieldErrors match ErrInvalid.
func (e FieldErrors) Unwrap() error { return ErrInvalid }

func (e FieldErrors) orNil() error {
	if len(e) == 0 {
		return nil
	}
	return e
}

func writeFields(o *jsjson.Object, f Fields, builtin map[string]bool) {
	for _, k := range sortedKeys(f) {
		if !builtin[k] {
			o.Value(k, f[k])
		}
	}
}

func extraFields(b []byte, builtin map[string]bool) (Fields, error) {
	var all map[string]json.RawMessage
	if err := json.Unmarshal(b, &all); err != nil {
		return nil, err
	}
	var out Fields
	for k, raw := range all {
		if builtin[k] {
			continue
		}
		var v any
		if err := json.Unmarshal(raw, &v); err != nil {
			// Neither the key nor the decoder's text whole: both come from
			// the decoded JSON, which can be long or hold a token.
			return nil, fmt.Errorf("field %s: %s", errtext.Quote(k), errtext.JSON(err))
		}
		if v == nil {
			continue
		}
		if out == nil {
			out = Fields{}
		}
		out[k] = v
	}
	return out, nil
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// jsonTime is a time that marshals as JavaScript's toISOString.
type jsonTime time.Time

func (t jsonTime) MarshalJSON() ([]byte, error) {
	return jsjson.AppendDate(nil, time.Time(t)), nil
}
