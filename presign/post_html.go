package presign

import (
	"html/template"
	"io"
)

// postFormHTML is the form element: hidden fields in order, then the file
// input, last, as S3 ignores the fields after it.
var postFormHTML = template.Must(template.New("form").Parse(`<form action="{{.URL}}" method="post" enctype="multipart/form-data">
{{- range .Fields}}
  <input type="hidden" name="{{.Name}}" value="{{.Value}}">
{{- end}}
  <input type="file" name="file">
  <input type="submit" value="Upload">
</form>
`))

// HTML writes f as an HTML form element, every value escaped by
// html/template. The form holds the signature and any session token: serve
// it only to whoever may upload, over HTTPS.
func (f *Form) HTML(w io.Writer) error {
	return postFormHTML.Execute(w, f)
}
