package policy

import (
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
)

// fromGo converts a Go value to an OPA value with encoding/json's rules
// (json tags, omitempty, embedded structs, nil slices as null) but without
// the JSON round trip that ast.InterfaceToValue performs for structs, which
// was half of the per-document cost. Types with their own JSON or text
// marshalling keep it: they go through encoding/json.
func fromGo(x any) (ast.Value, error) {
	if x == nil {
		return ast.Null{}, nil
	}
	return convertValue(reflect.ValueOf(x), 0)
}

// maxDepth guards against cyclic pointer structures; facts documents are a
// few levels deep.
const maxDepth = 64

var (
	jsonMarshaler = reflect.TypeFor[json.Marshaler]()
	textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()
)

func convertValue(v reflect.Value, depth int) (ast.Value, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("input nests deeper than %d levels", maxDepth)
	}
	if !v.IsValid() {
		return ast.Null{}, nil
	}
	t := v.Type()
	if t.Implements(jsonMarshaler) || t.Implements(textMarshaler) {
		if v.Kind() == reflect.Pointer && v.IsNil() {
			return ast.Null{}, nil
		}
		b, err := json.Marshal(v.Interface())
		if err != nil {
			return nil, err
		}
		return ast.ValueFromReader(strings.NewReader(string(b)))
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return ast.Null{}, nil
		}
		return convertValue(v.Elem(), depth+1)
	case reflect.String:
		return ast.String(v.String()), nil
	case reflect.Bool:
		return ast.Boolean(v.Bool()), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return ast.Number(strconv.FormatInt(v.Int(), 10)), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return ast.Number(strconv.FormatUint(v.Uint(), 10)), nil
	case reflect.Float32, reflect.Float64:
		b, err := json.Marshal(v.Interface())
		if err != nil {
			return nil, err
		}
		return ast.Number(b), nil
	case reflect.Slice:
		if v.IsNil() {
			return ast.Null{}, nil
		}
		if t.Elem().Kind() == reflect.Uint8 {
			b, err := json.Marshal(v.Interface()) // base64, as encoding/json does
			if err != nil {
				return nil, err
			}
			return ast.ValueFromReader(strings.NewReader(string(b)))
		}
		fallthrough
	case reflect.Array:
		terms := make([]*ast.Term, v.Len())
		for i := range terms {
			e, err := convertValue(v.Index(i), depth+1)
			if err != nil {
				return nil, err
			}
			terms[i] = ast.NewTerm(e)
		}
		return ast.NewArray(terms...), nil
	case reflect.Map:
		if v.IsNil() {
			return ast.Null{}, nil
		}
		if t.Key().Kind() != reflect.String {
			return nil, fmt.Errorf("unsupported map key type %s", t.Key())
		}
		obj := ast.NewObject()
		iter := v.MapRange()
		for iter.Next() {
			e, err := convertValue(iter.Value(), depth+1)
			if err != nil {
				return nil, err
			}
			obj.Insert(ast.StringTerm(iter.Key().String()), ast.NewTerm(e))
		}
		return obj, nil
	case reflect.Struct:
		obj := ast.NewObject()
		if err := convertStruct(obj, v, depth); err != nil {
			return nil, err
		}
		return obj, nil
	}
	return nil, fmt.Errorf("unsupported input type %s", t)
}

func convertStruct(obj ast.Object, v reflect.Value, depth int) error {
	for _, f := range fieldsOf(v.Type()) {
		fv := v.FieldByIndex(f.index)
		if f.embedded {
			if fv.Kind() == reflect.Pointer {
				if fv.IsNil() {
					continue
				}
				fv = fv.Elem()
			}
			if err := convertStruct(obj, fv, depth+1); err != nil {
				return err
			}
			continue
		}
		if f.omitEmpty && isEmpty(fv) {
			continue
		}
		e, err := convertValue(fv, depth+1)
		if err != nil {
			return fmt.Errorf("%s: %w", f.name, err)
		}
		obj.Insert(ast.StringTerm(f.name), ast.NewTerm(e))
	}
	return nil
}

type field struct {
	name      string
	index     []int
	omitEmpty bool
	embedded  bool // untagged embedded struct: its fields are promoted
}

var fieldCache sync.Map // reflect.Type → []field

func fieldsOf(t reflect.Type) []field {
	if fs, ok := fieldCache.Load(t); ok {
		return fs.([]field)
	}
	var fs []field
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		ft := sf.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if sf.Anonymous && name == "" && ft.Kind() == reflect.Struct {
			fs = append(fs, field{index: sf.Index, embedded: true})
			continue
		}
		if !sf.IsExported() {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		fs = append(fs, field{name: name, index: sf.Index, omitEmpty: strings.Contains(","+opts+",", ",omitempty,")})
	}
	fieldCache.Store(t, fs)
	return fs
}

// isEmpty is encoding/json's omitempty test.
func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool:
		return !v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int() == 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return v.Uint() == 0
	case reflect.Float32, reflect.Float64:
		return v.Float() == 0
	case reflect.Interface, reflect.Pointer:
		return v.IsNil()
	}
	return false
}
