package suggest_test

import (
	"strings"
	"testing"

	"github.com/s3vet/s3vet/internal/suggest"
)

// Closest proposes a name in other case first, then the nearest by edit
// distance, if near enough; else none.
func TestClosest(t *testing.T) {
	names := []string{"name", "source", "request", "identityPolicies", "resourcePolicy", "permissionsBoundary",
		"sessionPolicy", "scps", "rcps", "s3", "expect"}
	tests := []struct{ in, want string }{
		{"permissionBoundary", "permissionsBoundary"},
		{"PermissionsBoundary", "permissionsBoundary"},
		{"nmae", "name"},
		{"expected", "expect"},
		{"identityPolicy", "identityPolicies"},
		{"scp", "scps"},
		{"s4", "s3"},
		{"vpcEndpointPolicy", ""},
		{"context", ""},
		{"x", ""},
		{"", ""},
		{strings.Repeat("a", 10000), ""},
	}
	for _, tt := range tests {
		if got := suggest.Closest(tt.in, names); got != tt.want {
			t.Errorf("Closest(%.20q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDistance(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want int
	}{{"", "", 0}, {"abc", "abc", 0}, {"ABC", "abc", 0}, {"ab", "ba", 1}, {"kitten", "sitting", 3}, {"", "abc", 3}} {
		if got := suggest.Distance(tt.a, tt.b); got != tt.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}
