// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package integrationtype

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
)

// Immuta's update replaces an integration's whole configuration
// (IMMUTA_API.md, Endpoints): a setting the payload leaves out is lost,
// secrets aside. So a payload built from the tables alone would delete every
// setting the tables do not describe: one Immuta documents that the
// provider does not model (Databricks proxyOptions), one a later Immuta adds,
// one set in Immuta's UI. Unmanaged finds those in Immuta's answer, at any
// depth, and WithUnmanaged puts them back into a payload, exactly as
// Immuta answered them.

// Unmanaged is what an integration's config holds beyond the type's
// fields: each value is Immuta's own JSON, or, under a field the table
// describes as an object, the Unmanaged of that object.
type Unmanaged map[string]any

// Unmanaged returns the settings of Immuta's answer (its config) that the
// type's fields do not describe. redacted is how the answer writes a secret
// it withholds (client.RedactedValue, given by the caller so that the tables
// need not import the client): such a value is a secret Immuta keeps when a
// payload leaves it out, and is never carried.
func (t *Type) Unmanaged(config json.RawMessage, redacted string) (Unmanaged, error) {
	if len(bytes.TrimSpace(config)) == 0 || bytes.Equal(bytes.TrimSpace(config), []byte("null")) {
		return nil, nil
	}
	return unmanaged(t.Fields, config, redacted)
}

func unmanaged(fields []Field, raw json.RawMessage, redacted string) (Unmanaged, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		return nil, fmt.Errorf("config is not an object: %w", err)
	}
	out := Unmanaged{}
	for key, value := range obj {
		f, modelled := fieldByJSON(fields, key)
		switch {
		case !modelled:
			if v, keep := withoutRedacted(value, redacted); keep {
				out[key] = v
			}
		case f.Kind == Object && isObject(value):
			inner, err := unmanaged(f.Fields, value, redacted)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", key, err)
			}
			if len(inner) > 0 {
				out[key] = inner
			}
		}
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

func fieldByJSON(fields []Field, key string) (Field, bool) {
	for _, f := range fields {
		if f.JSON == key {
			return f, true
		}
	}
	return Field{}, false
}

func isObject(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) > 0 && raw[0] == '{'
}

// withoutRedacted drops the redaction placeholder from an unmodelled value,
// at any depth; a value that was nothing else is not kept. A value holding
// none is returned as Immuta wrote it.
func withoutRedacted(raw json.RawMessage, redacted string) (any, bool) {
	if !bytes.Contains(raw, []byte(redacted)) {
		return raw, true
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return nil, false
	}
	return pruneRedacted(v, redacted)
}

func pruneRedacted(v any, redacted string) (any, bool) {
	switch x := v.(type) {
	case string:
		return x, x != redacted
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			if kept, ok := pruneRedacted(e, redacted); ok {
				out[k] = kept
			}
		}
		return out, len(out) > 0 || len(x) == 0
	case []any:
		out := make([]any, 0, len(x))
		for _, e := range x {
			if kept, ok := pruneRedacted(e, redacted); ok {
				out = append(out, kept)
			}
		}
		return out, true
	}
	return v, true
}

// Keys lists the unmanaged settings' paths ("proxyOptions",
// "oAuthClientConfig.newSetting"), sorted.
func (u Unmanaged) Keys() []string {
	var out []string
	for k, v := range u {
		if inner, ok := v.(Unmanaged); ok {
			for _, ik := range inner.Keys() {
				out = append(out, k+"."+ik)
			}
			continue
		}
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// JSON is the settings as one JSON object ("" when there are none), with
// keys in a stable order and each value as Immuta wrote it.
func (u Unmanaged) JSON() string {
	if len(u) == 0 {
		return ""
	}
	b, err := json.Marshal(u.plain())
	if err != nil {
		return ""
	}
	return string(b)
}

func (u Unmanaged) plain() map[string]any {
	out := make(map[string]any, len(u))
	for k, v := range u {
		if inner, ok := v.(Unmanaged); ok {
			out[k] = inner.plain()
			continue
		}
		out[k] = v
	}
	return out
}

// WithUnmanaged adds the unmanaged settings to a payload's config (built by
// APIConfig), which wins where both hold a key. An unmodelled setting under
// a modelled object is added only when the payload sends that object: an
// object the configuration no longer sets (an OAuth block after a switch to
// a password, say) does not come back for the sake of a key inside it.
func WithUnmanaged(config map[string]any, u Unmanaged) map[string]any {
	for k, v := range u {
		inner, nested := v.(Unmanaged)
		if !nested {
			if _, set := config[k]; !set {
				config[k] = v
			}
			continue
		}
		if sent, ok := config[k].(map[string]any); ok {
			config[k] = WithUnmanaged(sent, inner)
		}
	}
	return config
}
