// Package archtest checks the dependency direction written in ARCHITECTURE.md:
// cmd → api | indexer → internal/* → bindings; api and indexer never import each other,
// internal never imports api, indexer or cmd, and bindings import nothing of ours.
package archtest

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/parleychat/parley"

// forbidden maps a package prefix to the prefixes it must not import, with the reason.
var forbidden = map[string]map[string]string{
	module + "/api":      {module + "/indexer": "api and indexer meet in Postgres, not in code", module + "/cmd": "cmd is the top"},
	module + "/indexer":  {module + "/api": "api and indexer meet in Postgres, not in code", module + "/cmd": "cmd is the top"},
	module + "/internal": {module + "/api": "internal is below api", module + "/indexer": "internal is below indexer", module + "/cmd": "cmd is the top"},
	module + "/bindings": {module + "/": "bindings are generated leaves"},
}

type goPackage struct {
	ImportPath string
	Imports    []string
}

func TestDependencyDirection(t *testing.T) {
	out, err := exec.Command("go", "list", "-json=ImportPath,Imports", module+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	checked := 0
	for dec.More() {
		var p goPackage
		if err := dec.Decode(&p); err != nil {
			t.Fatalf("decode go list output: %v", err)
		}
		checked++
		for from, rules := range forbidden {
			if p.ImportPath != from && !strings.HasPrefix(p.ImportPath, from+"/") {
				continue
			}
			for _, imp := range p.Imports {
				for to, why := range rules {
					if strings.HasPrefix(imp, to) && !strings.HasPrefix(imp, from) {
						t.Errorf("%s imports %s: %s", p.ImportPath, imp, why)
					}
				}
			}
		}
	}
	if checked == 0 {
		t.Fatal("go list returned no packages")
	}
}
