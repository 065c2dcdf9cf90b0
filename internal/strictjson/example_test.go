package strictjson_test

import (
	"fmt"

	"github.com/s3vet/s3vet/internal/strictjson"
)

func ExampleUnmarshal() {
	type Request struct {
		Principal string `json:"principal"`
	}
	type Scenario struct {
		Name                string  `json:"name"`
		Request             Request `json:"request"`
		PermissionsBoundary any     `json:"permissionsBoundary,omitempty"`
	}
	var s Scenario
	for _, doc := range []string{
		`{"name":"a","permissionBoundary":{}}`,
		`{"name":"a","request":{"Principal":"anonymous"}}`,
		`{"name":"a","vpcEndpointPolicy":{}}`,
	} {
		fmt.Println(strictjson.Unmarshal([]byte(doc), &s))
	}
	// Output:
	// unknown field "permissionBoundary"; did you mean "permissionsBoundary"?
	// unknown field "Principal" in request; field names are case-sensitive: did you mean "principal"?
	// unknown field "vpcEndpointPolicy"
}
