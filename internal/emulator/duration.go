// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// Durations travel in JSON as Go duration strings ("2s"); the Go API uses time.Duration.

func parseDuration(field string, s *string) (time.Duration, error) {
	if s == nil {
		return 0, nil
	}
	d, err := time.ParseDuration(*s)
	if err != nil {
		return 0, fmt.Errorf("%s: %q is not a duration such as \"2s\"", field, *s)
	}
	if d < 0 {
		return 0, fmt.Errorf("%s: %q must not be negative", field, *s)
	}
	return d, nil
}

func durationString(d time.Duration) *string {
	if d == 0 {
		return nil
	}
	s := d.String()
	return &s
}

// decodeStrict decodes b into v, rejecting unknown fields so a typo in a test's rule fails loudly.
func decodeStrict(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}
