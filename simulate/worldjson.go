package simulate

import (
	"encoding/json"
	"fmt"
	"io"
)

// WriteJSON writes the world as JSON in the format [LoadWorld] reads
// (docs/serve-config.md), indented, in a stable order: fields in the
// format's order, lists as the world holds them, maps by key. What it
// writes loads back to the same world.
func (w *World) WriteJSON(out io.Writer) error {
	b, err := json.MarshalIndent(w, "", "  ")
	if err != nil {
		return fmt.Errorf("world: %w", err)
	}
	if _, err := out.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("world: %w", err)
	}
	return nil
}
