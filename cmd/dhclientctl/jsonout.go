package main

import (
	"encoding/json"
	"fmt"
)

// jsonLine prints v as one JSON line, as the daemon sent it.
func (c *cli) jsonLine(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode output: %w", err)
	}
	_, err = c.stdout.Write(append(b, '\n'))
	return err
}
