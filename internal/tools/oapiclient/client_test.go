package oapiclient

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/getkin/kin-openapi/openapi3"
)

// contract is the registry's OpenAPI document, from this module's directory.
const contract = "../../../api/openapi.yaml"

// TestGeneratedClient generates a client (types and client) from the contract with
// oapi-codegen into a temporary module, builds it, and checks that its
// ClientInterface has one method per operation, named by its operationId, beside
// which oapi-codegen puts only the body forms of operations that take a body
// (…WithBody, and With…Body for a media type other than JSON).
func TestGeneratedClient(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "client.gen.go")
	run(t, ".", "go", "tool", "oapi-codegen", "-generate", "types,client", "-package", "client", "-o", out, contract)

	// A module of its own, needing only oapi-codegen's runtime at the version this
	// module pins (its go.sum has the hashes).
	mod, err := os.ReadFile("go.mod")
	if err != nil {
		t.Fatal(err)
	}
	var require []string
	for _, l := range strings.Split(string(mod), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && strings.Contains(f[0], ".") && strings.HasPrefix(f[1], "v") {
			require = append(require, "require "+f[0]+" "+f[1])
		}
	}
	write(t, filepath.Join(dir, "go.mod"), "module client\n\ngo 1.26.8\n\n"+strings.Join(require, "\n")+"\n")
	sum, err := os.ReadFile("go.sum")
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "go.sum"), string(sum))
	run(t, dir, "go", "build", "-mod=mod", "./...")

	doc, err := openapi3.NewLoader().LoadFromFile(contract)
	if err != nil {
		t.Fatal(err)
	}
	ops := map[string]bool{} // exported operationId → it has a JSON body or none
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if op.OperationID == "" {
				t.Errorf("%s %s has no operationId", method, path)
				continue
			}
			name := exported(op.OperationID)
			if _, dup := ops[name]; dup {
				t.Errorf("operationId %s names two operations", op.OperationID)
			}
			ops[name] = op.RequestBody == nil || op.RequestBody.Value.Content.Get("application/json") != nil
		}
	}

	// Each method is an operation's: named by its operationId, or that name with a
	// body form after it (WithBody for any body, With…Body for each media type the
	// operation takes other than JSON).
	methods := interfaceMethods(t, out, "ClientInterface")
	has := map[string]bool{}
	for _, m := range methods {
		if _, ok := ops[m]; ok {
			has[m] = true
			continue
		}
		var of []string
		for op := range ops {
			if rest, ok := strings.CutPrefix(m, op+"With"); ok && strings.HasSuffix(rest, "Body") {
				of = append(of, op)
			}
		}
		if len(of) != 1 {
			t.Errorf("the client's method %s is not the body form of one operation (it is of %v)", m, of)
		}
	}
	// An operation with a JSON body, or none, has the method named by its
	// operationId (one that takes only a form has only its body forms).
	for op, jsonOrNone := range ops {
		if jsonOrNone && !has[op] {
			t.Errorf("the client has no method %s for its operation", op)
		}
	}
	t.Logf("%d operations, %d client methods (with the body forms)", len(ops), len(methods))
}

// exported is an operationId as oapi-codegen names its method: the first letter in
// upper case (operationIds are camelCase: listLicenses → ListLicenses).
func exported(id string) string {
	r := []rune(id)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

// interfaceMethods returns the method names of an interface type in a Go file.
func interfaceMethods(t *testing.T, file, name string) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	found := false
	ast.Inspect(f, func(n ast.Node) bool {
		ts, ok := n.(*ast.TypeSpec)
		if !ok || ts.Name.Name != name {
			return true
		}
		found = true
		for _, m := range ts.Type.(*ast.InterfaceType).Methods.List {
			for _, id := range m.Names {
				out = append(out, id.Name)
			}
		}
		return false
	})
	if !found {
		t.Fatalf("the generated client has no %s", name)
	}
	return out
}

func run(t *testing.T, dir string, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, b)
	}
}

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}
