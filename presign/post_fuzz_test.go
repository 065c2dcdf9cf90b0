package presign_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/s3vet/s3vet/presign"
)

// FuzzPostForm: whatever the values, PostObject either refuses them or
// returns a form whose policy is valid JSON in which every value comes back
// unchanged, whose fields meet every condition (postCheckForm), and whose HTML
// unescapes to the same fields.
func FuzzPostForm(f *testing.F) {
	f.Add("uploads/", "image/", "owner", `"q" \b`, "attachment", "k", "</script>")
	f.Add("a/${filename}/", "text/plain; charset=utf-8", "x", "日本 🙂", "", "t", "")
	f.Add("\xff", "\n", "a b", "\x00", "\u2028", "", "&lt;")
	p := signPresigner(signToken)
	f.Fuzz(func(t *testing.T, prefix, ctype, metaName, metaValue, disposition, tagKey, tagValue string) {
		pol := presign.NewPostPolicy().KeyPrefix(prefix).ContentTypePrefix(ctype).Metadata(metaName, metaValue)
		if disposition != "" {
			pol.ContentDisposition(disposition)
		}
		if tagKey != "" {
			pol.Tags(map[string]string{tagKey: tagValue})
		}
		form, err := p.PostObject(context.Background(), "bucket", pol)
		if err != nil {
			return
		}
		postCheckForm(t, form, "bucket", signSecret)
		for name, want := range map[string]string{
			"key": prefix + "${filename}", "Content-Type": ctype, "x-amz-meta-" + postLower(metaName): metaValue,
		} {
			if got := form.Get(name); got != want {
				t.Errorf("%s = %q, want %q", name, got, want)
			}
		}
		var out bytes.Buffer
		if err := form.HTML(&out); err != nil {
			t.Fatal(err)
		}
		postCheckHTML(t, out.String(), form)
	})
}

func postLower(s string) string { return string(bytes.ToLower([]byte(s))) }
