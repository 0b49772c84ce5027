package api

import (
	"maps"
	"net/http/httptest"
	"regexp"
	"testing"

	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/parleychat/parley/api/gen"
)

// TestSpecRouterMatchesGorillamux checks that the spec router finds the same operation, path
// parameters and errors as kin-openapi's gorillamux router for every operation of the spec
// and for near misses.
func TestSpecRouterMatchesGorillamux(t *testing.T) {
	doc, err := gen.GetSwagger()
	if err != nil {
		t.Fatal(err)
	}
	ours, err := newSpecRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	if len(ours.literal) < 10 {
		t.Fatalf("only %d literal routes", len(ours.literal))
	}
	param := regexp.MustCompile(`\{[^}]+\}`)
	var targets [][2]string
	for path, item := range doc.Paths.Map() {
		concrete := param.ReplaceAllString(path, "0x1")
		for method := range item.Operations() {
			targets = append(targets, [2]string{method, concrete})
		}
		targets = append(targets, [2]string{"PATCH", concrete}, [2]string{"GET", concrete + "/"}, [2]string{"GET", concrete + "x"})
	}
	targets = append(targets, [2]string{"POST", "/v1/auth%2Fnonce"}, [2]string{"POST", "/v1//auth/nonce"}, [2]string{"GET", "/nowhere"})
	for _, target := range targets {
		req := httptest.NewRequest(target[0], target[1], nil)
		got, gotParams, gotErr := ours.FindRoute(req)
		want, wantParams, wantErr := theirs.FindRoute(req)
		if gotErr != wantErr || (got == nil) != (want == nil) || !maps.Equal(gotParams, wantParams) {
			t.Fatalf("%s %s: got %v %v %v, want %v %v %v", target[0], target[1], got, gotParams, gotErr, want, wantParams, wantErr)
		}
		if got != nil && (got.Path != want.Path || got.Method != want.Method || got.Operation != want.Operation || got.PathItem != want.PathItem) {
			t.Fatalf("%s %s: got %s %s, want %s %s", target[0], target[1], got.Method, got.Path, want.Method, want.Path)
		}
	}
}
