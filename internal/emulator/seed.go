// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// LoadSeed creates integrations directly as enabled from a JSON array of POST payloads
// ({"type","autoBootstrap","config"}). Each payload is validated like a POST; nothing is created unless
// every payload is valid and unique.
func (e *Emulator) LoadSeed(r io.Reader) error {
	var items []json.RawMessage
	if err := json.NewDecoder(r).Decode(&items); err != nil {
		return fmt.Errorf("seed: want a JSON array of integration payloads: %w", err)
	}
	var payloads []*payload
	for i, raw := range items {
		p, err := parsePayload(raw)
		if err != nil {
			return fmt.Errorf("seed[%d]: %s", i, err.message)
		}
		payloads = append(payloads, p)
	}

	e.mu.Lock()
	defer e.mu.Unlock()
	existing := e.settledAll(time.Now())
	var fresh []*integration
	for i, p := range payloads {
		if err := conflict(p.spec, p.config, existing); err != nil {
			return fmt.Errorf("seed[%d]: %s", i, err.message)
		}
		if p.spec.noConfig {
			p.config = map[string]any{"apiKey": newAPIKey()}
		}
		rec := &integration{
			num:           e.nextID + len(fresh), // provisional, so conflicts among seeds name an id
			typ:           p.spec.name,
			autoBootstrap: p.autoBootstrap,
			config:        p.config,
			status:        statusEnabled,
			results:       passingResults(p.spec, p.autoBootstrap, p.config),
		}
		existing = append(existing, rec)
		fresh = append(fresh, rec)
	}
	for _, rec := range fresh {
		e.records[rec.id()] = rec
	}
	e.nextID += len(fresh)
	return nil
}
