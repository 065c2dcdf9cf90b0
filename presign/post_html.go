package presign

import (
	"encoding/base64"
	"encoding/json"
	"html/template"
	"io"
	"strings"
)

// postFormHTML is the form element: hidden fields in order, then the file
// input, last, as S3 ignores the fields after it, with its label and, when
// the policy names the Content-Type, the accept attribute a browser's file
// picker follows.
var postFormHTML = template.Must(template.New("form").Parse(`<form action="{{.URL}}" method="post" enctype="multipart/form-data">
{{- range .Fields}}
  <input type="hidden" name="{{.Name}}" value="{{.Value}}">
{{- end}}
  <label for="s3vet-upload-file">File</label>
  <input type="file" name="file" id="s3vet-upload-file"{{with .Accept}} accept="{{.}}"{{end}}>
  <input type="submit" value="Upload">
</form>
`))

// HTML writes f as an HTML form element, every value escaped by
// html/template, its file input labelled and, when the policy sets the
// Content-Type (ContentType, or a ContentTypePrefix ending in "/"), with
// the accept attribute that limits the browser's file picker to it. The
// form holds the signature and any session token: serve it only to
// whoever may upload, over HTTPS.
func (f *Form) HTML(w io.Writer) error {
	return postFormHTML.Execute(w, struct {
		*Form
		Accept string
	}{f, f.accept()})
}

// accept is the accept attribute of the form's file input, from the
// policy's condition on Content-Type: the type it must equal, or "type/*"
// for a prefix "type/"; "" when there is none, or none an accept
// attribute can say.
func (f *Form) accept() string {
	raw, err := base64.StdEncoding.DecodeString(f.Policy)
	if err != nil {
		return ""
	}
	var doc struct {
		Conditions []json.RawMessage `json:"conditions"`
	}
	if json.Unmarshal(raw, &doc) != nil {
		return ""
	}
	for _, c := range doc.Conditions {
		// {"Content-Type": v}, or ["eq" or "starts-with", "$Content-Type", v].
		var op, v string
		var list []string
		var obj map[string]string
		switch {
		case json.Unmarshal(c, &obj) == nil && len(obj) == 1:
			for k, val := range obj {
				if strings.EqualFold(k, "Content-Type") {
					op, v = "eq", val
				}
			}
		case json.Unmarshal(c, &list) == nil && len(list) == 3 && strings.EqualFold(list[1], "$Content-Type"):
			op, v = strings.ToLower(list[0]), list[2]
		}
		if op == "" {
			continue
		}
		typ, sub, _ := strings.Cut(v, "/")
		switch {
		case strings.ContainsAny(v, ",;*"):
		case op == "eq" && typ != "" && sub != "":
			return v
		case op == "starts-with" && typ != "" && v == typ+"/":
			return typ + "/*"
		}
		return ""
	}
	return ""
}
