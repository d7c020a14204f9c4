package dockerfile

import (
	"encoding/json"
	"strconv"
	"testing"
)

// nullable are the keys whose value may legitimately be null: optional
// runtime settings that no stage in the chain sets.
var nullable = map[string]bool{"user": true, "entrypoint": true, "cmd": true, "healthcheck": true}

// assertNoNulls fails when the JSON form of doc holds a null anywhere other
// than the documented optional objects: rules iterate arrays and index
// maps, and a null where [] or {} is expected makes them fail silently.
func assertNoNulls(t *testing.T, name string, doc *Document) {
	t.Helper()
	raw, err := json.Marshal(doc)
	if err != nil {
		t.Fatalf("%s: marshal: %v", name, err)
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	var walk func(path string, key string, v any)
	walk = func(path, key string, v any) {
		switch x := v.(type) {
		case nil:
			if !nullable[key] {
				t.Errorf("%s: null at %s", name, path)
			}
		case map[string]any:
			for k, e := range x {
				walk(path+"."+k, k, e)
			}
		case []any:
			for i, e := range x {
				walk(path+"["+strconv.Itoa(i)+"]", key, e)
			}
		}
	}
	walk("$", "", v)
}
