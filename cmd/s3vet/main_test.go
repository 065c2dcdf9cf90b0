package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

func TestEvalAnswersEveryScenario(t *testing.T) {
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"eval", "-f", "../../policy/scenario/testdata/examples.json"}, nil, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var got []map[string]any
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		got = append(got, m)
	}
	if len(got) != 6 {
		t.Fatalf("%d answers, want 6", len(got))
	}
	want := []string{"Allowed", "Allowed", "ExplicitDeny", "Invalid", "Allowed", "ImplicitDeny"}
	for i, w := range want {
		if got[i]["decision"] != w {
			t.Errorf("answer %d: %v, want %s", i, got[i]["decision"], w)
		}
	}
	if !strings.Contains(got[3]["error"].(string), "Resource") {
		t.Errorf("Invalid answer's error does not name the element: %v", got[3]["error"])
	}
	if by, _ := got[5]["decidedBy"].(string); !strings.Contains(by, "RestrictPublicBuckets") {
		t.Errorf("Block Public Access not named as what denied: %v", got[5])
	}
}

func TestEvalStdinAndErrors(t *testing.T) {
	var out, errb bytes.Buffer
	in := strings.NewReader(`{"name":"x","request":{"principal":"nobody","action":"s3:GetObject","resource":"arn:aws:s3:::b/k","resourceAccount":"111122223333"}}`)
	if code := run(context.Background(), []string{"eval", "-f", "-"}, in, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), `"decision":"Invalid"`) {
		t.Errorf("bad principal: got %s", out.String())
	}
	if code := run(context.Background(), []string{"eval", "-f", "-"}, strings.NewReader("[{"), &out, &errb); code != 2 {
		t.Errorf("malformed JSON file: exit %d, want 2", code)
	}
	if code := run(context.Background(), []string{"eval"}, nil, &out, &errb); code != 2 {
		t.Errorf("missing -f: exit %d, want 2", code)
	}
}

// "-f -" without a standard input is an error the command reports, as public
// and lint report it, not a panic; an input error exits 2, as lint and scan
// do.
func TestEvalNoStdin(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"eval", "-f", "-"}, nil, &out, &errb); code != 2 {
		t.Errorf("exit %d, want 2", code)
	}
	if !strings.Contains(errb.String(), "no standard input") {
		t.Errorf("stderr %q does not say there is no standard input", errb.String())
	}
	errb.Reset()
	if code := run(context.Background(), []string{"eval", "-f", "testdata/does-not-exist.json"}, nil, &out, &errb); code != 2 {
		t.Errorf("missing file: exit %d, want 2", code)
	}
	if !strings.Contains(errb.String(), "s3vet eval: open testdata/does-not-exist.json") {
		t.Errorf("missing file: stderr %q", errb.String())
	}
}
