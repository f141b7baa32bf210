package conformance

import (
	"encoding/json"
	"os"
	"path/filepath"
)

func readVectorsFile() (vectors, error) {
	var v vectors
	b, err := os.ReadFile(filepath.Join("testdata", "vectors.json"))
	if err != nil {
		return v, err
	}
	return v, json.Unmarshal(b, &v)
}
