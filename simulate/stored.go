package simulate

import (
	"bytes"
	"encoding/xml"
	"net/http"
)

// A storedConfig is a configuration the simulator keeps as the XML the
// client sent, after checking that it decodes.
type storedConfig struct {
	sub      string // subresource
	root     string // root element
	notFound *s3Error
	// empty is answered by GET when unset, instead of notFound.
	empty string
	// needsVersioning is S3's refusal when the bucket is not versioned.
	needsVersioning string
	// validate checks the document as S3 does, beyond its root element.
	validate func([]byte) error
}

var storedConfigs = map[string]storedConfig{
	"lifecycle": {sub: "lifecycle", root: "LifecycleConfiguration",
		notFound: errorf(http.StatusNotFound, "NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist")},
	"cors": {sub: "cors", root: "CORSConfiguration",
		notFound: errorf(http.StatusNotFound, "NoSuchCORSConfiguration", "The CORS configuration does not exist"), validate: validCORS},
	"website": {sub: "website", root: "WebsiteConfiguration",
		notFound: errorf(http.StatusNotFound, "NoSuchWebsiteConfiguration", "The specified bucket does not have a website configuration")},
	"replication": {sub: "replication", root: "ReplicationConfiguration",
		notFound:        errorf(http.StatusNotFound, "ReplicationConfigurationNotFoundError", "The replication configuration was not found"),
		needsVersioning: "Versioning must be 'Enabled' on the bucket to apply a replication configuration"},
	"notification": {sub: "notification", root: "NotificationConfiguration",
		empty: `<NotificationConfiguration xmlns="` + s3NS + `"></NotificationConfiguration>`},
}

// anyXML checks that a document is well-formed XML with the given root.
type anyXML struct {
	XMLName xml.Name
	Inner   []byte `xml:",innerxml"`
}

func getStored(sub string) func(*call) error {
	cfg := storedConfigs[sub]
	return func(c *call) error {
		return c.withBucket(false, func(b *bucketModel) error {
			doc, ok := b.configs[sub]
			if !ok {
				if cfg.notFound != nil {
					return cfg.notFound.with("BucketName", c.bucket)
				}
				doc = []byte(cfg.empty)
			}
			c.writeBody("application/xml", append([]byte(xml.Header), doc...))
			return nil
		})
	}
}

func putStored(sub string) func(*call) error {
	cfg := storedConfigs[sub]
	return func(c *call) error {
		var v anyXML
		if err := decodeXML(c.body, &v); err != nil {
			return err
		}
		if v.XMLName.Local != cfg.root {
			return malformedXML()
		}
		if cfg.validate != nil {
			if err := cfg.validate(c.body); err != nil {
				return err
			}
		}
		doc := bytes.TrimSpace(c.body)
		if bytes.HasPrefix(doc, []byte("<?xml")) {
			if i := bytes.Index(doc, []byte("?>")); i >= 0 {
				doc = bytes.TrimSpace(doc[i+2:])
			}
		}
		return c.withBucket(true, func(b *bucketModel) error {
			if cfg.needsVersioning != "" && b.versioning != "Enabled" {
				return invalidRequest(cfg.needsVersioning)
			}
			if sub == "notification" && len(bytes.TrimSpace(v.Inner)) == 0 {
				delete(b.configs, sub)
				return c.done()
			}
			b.configs[sub] = bytes.Clone(doc)
			return c.done()
		})
	}
}

func deleteStored(sub string) func(*call) error {
	return func(c *call) error {
		return c.withBucket(true, func(b *bucketModel) error {
			delete(b.configs, sub)
			return c.noContent()
		})
	}
}
