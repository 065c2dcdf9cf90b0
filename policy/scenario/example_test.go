package scenario_test

import (
	"fmt"
	"strings"

	"github.com/s3vet/s3vet/policy/scenario"
)

// A scenario states what AWS knows when it authorizes one request; the
// answer says what decided, as `s3vet eval` prints it.
func Example() {
	list, err := scenario.Decode(strings.NewReader(`{
	  "name": "an SCP denies bucket deletion",
	  "request": {"principal": "arn:aws:iam::123456789012:user/dev/maria", "action": "s3:DeleteBucket",
	              "resource": "arn:aws:s3:::media", "resourceAccount": "123456789012"},
	  "identityPolicies": [{"Version": "2012-10-17",
	    "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}],
	  "scps": [[{"Version": "2012-10-17", "Statement": [
	    {"Effect": "Allow", "Action": "*", "Resource": "*"},
	    {"Sid": "NoDeletes", "Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"}]}]],
	  "expect": "ExplicitDeny"
	}`))
	if err != nil {
		panic(err)
	}
	a := list[0].Answer()
	fmt.Println(a.Decision, "by the", a.DecidedBy)
	fmt.Println(a.Statement)
	fmt.Println(a.Message)
	// Output:
	// ExplicitDeny by the service control policy
	// Deny by statement 1 (Sid "NoDeletes") of service control policy "scps[0][0]"
	// User: arn:aws:iam::123456789012:user/dev/maria is not authorized to perform: s3:DeleteBucket on resource: "arn:aws:s3:::media" with an explicit deny in a service control policy
}
