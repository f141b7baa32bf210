package sqlstore

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/internal/errtext"
)

// The scanners below accept every form the three drivers hand back for a
// Better Auth column (time.Time or text for dates, bool or 0/1 for
// booleans, string or []byte for text) so that reading never depends on
// driver options such as parseTime.

type stringScanner struct{ dst *string }

func (s stringScanner) Scan(src any) error {
	switch v := src.(type) {
	case string:
		*s.dst = v
	case []byte:
		*s.dst = string(v)
	case nil:
		return errNullText
	default:
		return fmt.Errorf("cannot read %T as text", src)
	}
	return nil
}

// pgx asks a scan target for the codec's own scanner interface (TextScanner,
// BoolScanner, TimestamptzScanner) before database/sql's Scanner. Answering
// it spares, for every column of every row, a heap-allocated scan plan and
// the boxing of the value into an interface: about 30 of the 56 allocations
// of a session+user lookup on PostgreSQL. The results are those of Scan.

var (
	errNullText = errors.New("NULL in a NOT NULL text column")
	errNullBool = errors.New("NULL in a NOT NULL boolean column")
	errNullDate = errors.New("NULL in a NOT NULL date column")
)

func (s stringScanner) ScanText(v pgtype.Text) error {
	if !v.Valid {
		return errNullText
	}
	*s.dst = v.String
	return nil
}

type nullStringScanner struct{ dst **string }

func (s nullStringScanner) ScanText(v pgtype.Text) error {
	if !v.Valid {
		*s.dst = nil
		return nil
	}
	str := v.String
	*s.dst = &str
	return nil
}

func (s nullStringScanner) Scan(src any) error {
	if src == nil {
		*s.dst = nil
		return nil
	}
	var v string
	if err := (stringScanner{&v}).Scan(src); err != nil {
		return err
	}
	*s.dst = &v
	return nil
}

func toBool(src any) (bool, error) {
	switch v := src.(type) {
	case bool:
		return v, nil
	case int64:
		return v == 1, nil // Better Auth reads `=== 1` as true
	case []byte:
		return string(v) == "1" || string(v) == "true", nil
	case string:
		return v == "1" || v == "true", nil
	}
	return false, fmt.Errorf("cannot read %T as boolean", src)
}

type boolScanner struct{ dst *bool }

func (s boolScanner) ScanBool(v pgtype.Bool) error {
	if !v.Valid {
		return errNullBool
	}
	*s.dst = v.Bool
	return nil
}

func (s boolScanner) Scan(src any) error {
	if src == nil {
		return errNullBool
	}
	b, err := toBool(src)
	*s.dst = b
	return err
}

type nullBoolScanner struct{ dst **bool }

func (s nullBoolScanner) ScanBool(v pgtype.Bool) error {
	if !v.Valid {
		*s.dst = nil
		return nil
	}
	b := v.Bool
	*s.dst = &b
	return nil
}

func (s nullBoolScanner) Scan(src any) error {
	if src == nil {
		*s.dst = nil
		return nil
	}
	b, err := toBool(src)
	if err != nil {
		return err
	}
	*s.dst = &b
	return nil
}

func toTime(src any) (time.Time, error) {
	switch v := src.(type) {
	case time.Time:
		return v.UTC(), nil
	case string:
		return betterauth.ParseTime(v)
	case []byte:
		return betterauth.ParseTime(string(v))
	case int64:
		// Not what Better Auth writes, but some tools store epoch ms.
		return time.UnixMilli(v).UTC(), nil
	case float64:
		return time.UnixMilli(int64(v)).UTC(), nil
	}
	return time.Time{}, fmt.Errorf("cannot read %T as a date", src)
}

// pgTime is what database/sql's path makes of a timestamptz: the time in
// UTC, or the text "infinity"/"-infinity", which toTime refuses.
func pgTime(v pgtype.Timestamptz) (time.Time, error) {
	if v.InfinityModifier != pgtype.Finite {
		return toTime(v.InfinityModifier.String())
	}
	return v.Time.UTC(), nil
}

type timeScanner struct{ dst *time.Time }

func (s timeScanner) ScanTimestamptz(v pgtype.Timestamptz) error {
	if !v.Valid {
		return errNullDate
	}
	t, err := pgTime(v)
	*s.dst = t
	return err
}

func (s timeScanner) Scan(src any) error {
	if src == nil {
		return errNullDate
	}
	t, err := toTime(src)
	*s.dst = t
	return err
}

type nullTimeScanner struct{ dst **time.Time }

func (s nullTimeScanner) ScanTimestamptz(v pgtype.Timestamptz) error {
	if !v.Valid {
		*s.dst = nil
		return nil
	}
	t, err := pgTime(v)
	if err != nil {
		return err
	}
	*s.dst = &t
	return nil
}

func (s nullTimeScanner) Scan(src any) error {
	if src == nil {
		*s.dst = nil
		return nil
	}
	t, err := toTime(src)
	if err != nil {
		return err
	}
	*s.dst = &t
	return nil
}

type int64Scanner struct{ dst *int64 }

func (s int64Scanner) Scan(src any) error {
	switch v := src.(type) {
	case int64:
		*s.dst = v
	case float64:
		*s.dst = int64(v)
	case []byte:
		n, err := strconv.ParseInt(string(v), 10, 64)
		*s.dst = n
		return err
	case string:
		n, err := strconv.ParseInt(v, 10, 64)
		*s.dst = n
		return err
	case nil:
		*s.dst = 0
	default:
		return fmt.Errorf("cannot read %T as a number", src)
	}
	return nil
}

type nullInt64Scanner struct{ dst **int64 }

func (s nullInt64Scanner) Scan(src any) error {
	if src == nil {
		*s.dst = nil
		return nil
	}
	var n int64
	if err := (int64Scanner{&n}).Scan(src); err != nil {
		return err
	}
	*s.dst = &n
	return nil
}

// fieldScanner reads a custom field into a Fields map with its canonical Go
// type; NULL leaves the key out.
type fieldScanner struct {
	fields *betterauth.Fields
	field  betterauth.Field
}

func (s fieldScanner) Scan(src any) error {
	if src == nil {
		return nil
	}
	v, err := decodeField(s.field.Type, src)
	if err != nil {
		return fmt.Errorf("field %s: %w", s.field.Name, err)
	}
	if *s.fields == nil {
		*s.fields = betterauth.Fields{}
	}
	(*s.fields)[s.field.Name] = v
	return nil
}

func decodeField(t betterauth.FieldType, src any) (any, error) {
	switch t {
	case betterauth.TypeString:
		var s string
		err := stringScanner{&s}.Scan(src)
		return s, err
	case betterauth.TypeBoolean:
		return toBool(src)
	case betterauth.TypeDate:
		return toTime(src)
	case betterauth.TypeNumber:
		switch v := src.(type) {
		case float64:
			return betterauth.NormalizeFieldValue(t, v)
		case []byte, string:
			var str string
			_ = stringScanner{&str}.Scan(v)
			if n, err := strconv.ParseInt(str, 10, 64); err == nil {
				return n, nil
			}
			f, err := strconv.ParseFloat(str, 64)
			if err != nil {
				return nil, fmt.Errorf("cannot read %s as a number", errtext.Quote(str))
			}
			return betterauth.NormalizeFieldValue(t, f)
		}
		var n int64
		err := int64Scanner{&n}.Scan(src)
		return n, err
	case betterauth.TypeJSON, betterauth.TypeStringArray, betterauth.TypeNumberArray:
		var raw []byte
		switch v := src.(type) {
		case string:
			raw = []byte(v)
		case []byte:
			raw = append([]byte(nil), v...)
		default:
			// pgx may hand jsonb back already decoded.
			b, err := json.Marshal(v)
			if err != nil {
				return nil, err
			}
			raw = b
		}
		if t == betterauth.TypeJSON {
			if !json.Valid(raw) {
				return nil, fmt.Errorf("stored value is not JSON")
			}
			return json.RawMessage(raw), nil
		}
		var decoded any
		if err := json.Unmarshal(raw, &decoded); err != nil {
			return nil, fmt.Errorf("stored value is not a JSON array")
		}
		return betterauth.NormalizeFieldValue(t, decoded)
	}
	return nil, fmt.Errorf("unknown field type %q", t)
}

// encodeField turns a custom field value into the driver value Better Auth
// would bind for it on this dialect.
func (k Kind) encodeField(f betterauth.Field, v any) (any, error) {
	v, err := betterauth.NormalizeFieldValue(f.Type, v)
	if err != nil {
		return nil, fmt.Errorf("field %s: %w", f.Name, err)
	}
	if v == nil {
		return nil, nil
	}
	switch f.Type {
	case betterauth.TypeBoolean:
		return k.Bool(v.(bool)), nil
	case betterauth.TypeDate:
		return k.Time(v.(time.Time)), nil
	case betterauth.TypeJSON:
		return string(v.(json.RawMessage)), nil
	case betterauth.TypeStringArray, betterauth.TypeNumberArray:
		b, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", f.Name, err)
		}
		return string(b), nil
	}
	return v, nil
}
