package catgen

import (
	"bytes"
	"strings"
	"testing"
	"testing/fstest"
)

const (
	license = "MIT License\n\nCopyright (c) 2024 Someone\n"
	actions = `{
  "getthing": {"name": "GetThing", "description": "Gets a thing", "accessLevel": "Read",
    "resourceTypes": [{"name": "thing", "required": true, "conditionKeys": [], "dependentActions": []}],
    "conditionKeys": ["svc:Tag/<key>", "svc:B", "svc:a", "svc:B"], "dependentActions": []},
  "putthingpolicy": {"name": "PutThingPolicy", "description": "Puts", "accessLevel": "Permissions management, Write",
    "resourceTypes": [], "conditionKeys": [], "dependentActions": ["svc:GetThing"]}
}`
	resourceTypes = `{"thing": {"key": "thing", "arn": "arn:${Partition}:svc:::${ThingName}"}}`
	conditionKeys = `{
  "svc:a": {"key": "svc:a", "description": "A", "type": "String"},
  "svc:b": {"key": "svc:B", "description": "B", "type": "Bool"},
  "svc:tag/<key>": {"key": "svc:Tag/<key>", "description": "Tag", "type": "String"}
}`
)

func data() fstest.MapFS {
	return fstest.MapFS{
		"LICENSE.txt":              {Data: []byte(license)},
		"svc.actions.json":         {Data: []byte(actions)},
		"svc.resourceTypes.json":   {Data: []byte(resourceTypes)},
		"svc.conditionKeys.json":   {Data: []byte(conditionKeys)},
		"unrelated.md":             {Data: []byte("ignored")},
		"subdir/x.actions.json.gz": {Data: []byte("ignored")},
	}
}

func TestGenerate(t *testing.T) {
	out, err := Generate(data())
	if err != nil {
		t.Fatal(err)
	}
	src := string(out)
	if !strings.HasPrefix(src, Header+"\n") {
		t.Errorf("output does not start with %q", Header)
	}
	for _, want := range []string{
		"Copyright (c) 2024 Someone",
		`var services = [...]string{"svc"}`,
		`Service: "svc", Name: "GetThing", Access: Read,`,
		`Service: "svc", Name: "PutThingPolicy", Access: PermissionsManagement,`,
		`ConditionKeys: []string{"svc:a", "svc:B", "svc:Tag/${TagKey}"},`,
		`DependentActions: []string{"svc:GetThing"},`,
		`{Type: "thing", Required: true},`,
		`{pattern: "svc:tag/?*", index: 2},`,
	} {
		if !strings.Contains(src, want) {
			t.Errorf("output lacks %s", want)
		}
	}
	if strings.Contains(src, "<key>") {
		t.Error("output still spells a placeholder <key>")
	}
	again, err := Generate(data())
	if err != nil || !bytes.Equal(out, again) {
		t.Error("output is not deterministic")
	}
}

func TestGenerateErrors(t *testing.T) {
	for _, c := range []struct {
		name, file, find, replace, want string
	}{
		{"access level", "svc.actions.json", `"Read"`, `"Reading"`, "unknown access level"},
		{"second access level", "svc.actions.json", `Permissions management, Write`, `Permissions management, Admin`, "unknown access level"},
		{"unknown field", "svc.actions.json", `"description": "Puts"`, `"description": "Puts", "extra": 1`, "unknown field"},
		{"duplicate key", "svc.conditionKeys.json", `"svc:b": {"key": "svc:B"`, `"svc:a": {"key": "svc:a"`, "duplicate key"},
		{"mis-keyed action", "svc.actions.json", `"getthing"`, `"getthings"`, "has name"},
		{"mis-keyed resource type", "svc.resourceTypes.json", `{"thing"`, `{"things"`, "has key"},
		{"unknown resource type", "svc.actions.json", `{"name": "thing"`, `{"name": "widget"`, "not in svc.resourceTypes.json"},
		{"unknown condition key", "svc.actions.json", `"svc:a",`, `"svc:c",`, "not in svc.conditionKeys.json"},
		{"wildcard in key", "svc.conditionKeys.json", `"svc:a": {"key": "svc:a"`, `"svc:a*": {"key": "svc:a*"`, "unexpected"},
		{"bad placeholder", "svc.conditionKeys.json", `"svc:a": {"key": "svc:a"`, `"svc:a${": {"key": "svc:a${"`, "malformed placeholder"},
		{"no type", "svc.conditionKeys.json", `"type": "Bool"`, `"type": ""`, "no type"},
		{"dependent action", "svc.actions.json", `["svc:GetThing"]`, `["GetThing"]`, "malformed dependent action"},
		{"not an object", "svc.resourceTypes.json", resourceTypes, `[]`, "not a JSON object"},
		{"trailing data", "svc.resourceTypes.json", resourceTypes, resourceTypes + "{}", "trailing data"},
		{"license", "LICENSE.txt", "Copyright", "(c)", "no Copyright line"},
	} {
		t.Run(c.name, func(t *testing.T) {
			fsys := data()
			old := string(fsys[c.file].Data)
			if !strings.Contains(old, c.find) {
				t.Fatalf("%s lacks %q", c.file, c.find)
			}
			fsys[c.file] = &fstest.MapFile{Data: []byte(strings.Replace(old, c.find, c.replace, 1))}
			_, err := Generate(fsys)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Generate: error %v, want one containing %q", err, c.want)
			}
		})
	}

	for _, missing := range []string{"LICENSE.txt", "svc.resourceTypes.json", "svc.conditionKeys.json", "svc.actions.json"} {
		fsys := data()
		delete(fsys, missing)
		if _, err := Generate(fsys); err == nil {
			t.Errorf("Generate without %s: no error", missing)
		}
	}
}
