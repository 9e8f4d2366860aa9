// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// startCommand runs the command in-process and returns the URL it printed and a stop function that
// returns its exit status.
func startCommand(t *testing.T, args []string, env map[string]string) (string, func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out, w := io.Pipe()
	var stderr bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, args, w, &stderr, func(k string) string { return env[k] })
		w.Close()
	}()
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		if sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
		_, _ = io.Copy(io.Discard, out)
	}()
	select {
	case line, ok := <-lines:
		if !ok {
			cancel()
			t.Fatalf("command printed nothing; exit %d; stderr %q", <-done, stderr.String())
		}
		m := regexp.MustCompile(`^immuta-emulator listening on (https?://127\.0\.0\.1:([0-9]+))$`).FindStringSubmatch(line)
		if m == nil || m[2] == "0" {
			cancel()
			t.Fatalf("unexpected line %q", line)
		}
		return m[1], func() int { cancel(); return <-done }
	case <-time.After(10 * time.Second):
		cancel()
		t.Fatal("command did not start")
	}
	return "", nil
}

func get(t *testing.T, hc *http.Client, url, key string) (int, []any) {
	t.Helper()
	req, _ := http.NewRequest("GET", url+"/integrations", nil)
	req.Header.Set("Authorization", key)
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var list []any
	_ = json.NewDecoder(resp.Body).Decode(&list)
	return resp.StatusCode, list
}

func TestCommandServes(t *testing.T) {
	seed := filepath.Join(t.TempDir(), "seed.json")
	if err := os.WriteFile(seed, []byte(`[{"type":"Trino"}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	url, stop := startCommand(t, []string{"--listen", "127.0.0.1:0", "--api-key", "k", "--non-admin-api-key", "r",
		"--transition-delay", "0s", "--seed", seed}, nil)
	if status, list := get(t, http.DefaultClient, url, "k"); status != 200 || len(list) != 1 {
		t.Fatalf("GET: %d %v", status, list)
	}
	if status, _ := get(t, http.DefaultClient, url, "r"); status != 403 {
		t.Fatalf("non-admin key: %d", status)
	}
	if code := stop(); code != 0 {
		t.Fatalf("exit %d", code)
	}
	if _, err := http.Get(url + "/integrations"); err == nil {
		t.Fatal("still serving after stop")
	}
}

func TestCommandTLSAndEnvKey(t *testing.T) {
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	url, stop := startCommand(t, []string{"--listen", "127.0.0.1:0", "--tls", "--ca-out", caFile},
		map[string]string{"IMMUTA_API_KEY": "env-key"})
	defer stop()
	if !strings.HasPrefix(url, "https://") {
		t.Fatalf("URL %q", url)
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatal("--ca-out wrote no certificate")
	}
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	if status, _ := get(t, hc, url, "env-key"); status != 200 {
		t.Fatalf("GET with the env key: %d", status)
	}
}

// settings answers GET /_emulator/settings.
func settings(t *testing.T, url string) map[string]any {
	t.Helper()
	resp, err := http.Get(url + "/_emulator/settings")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var s map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestCommandAnswerStyle(t *testing.T) {
	seed := filepath.Join(t.TempDir(), "seed.json")
	if err := os.WriteFile(seed, []byte(`[{"type":"Snowflake","autoBootstrap":true,"config":{"host":"Seed.Snowflakecomputing.com",
		"warehouse":"W","database":"D","role":"R","authenticationType":"userPassword","username":"u","password":"seed-pw"}}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args  []string
		style string
		want  map[string]any // the seeded integration's answered config
	}{
		{nil, "echo", map[string]any{"host": "Seed.Snowflakecomputing.com", "password": "[REDACTED]", "username": "u", "port": 443.0}},
		{[]string{"--answer-style", "echo"}, "echo", map[string]any{"host": "Seed.Snowflakecomputing.com", "password": "[REDACTED]"}},
		{[]string{"--answer-style", "literal"}, "literal", map[string]any{"host": "seed.snowflakecomputing.com", "warehouse": "W", "database": "D"}},
	} {
		args := append([]string{"--listen", "127.0.0.1:0", "--api-key", "k", "--transition-delay", "0s", "--seed", seed}, tc.args...)
		url, stop := startCommand(t, args, nil)
		if got := settings(t, url); got["answerStyle"] != tc.style || got["transitionDelay"] != "0s" {
			t.Fatalf("%v: settings %v", tc.args, got)
		}
		status, list := get(t, http.DefaultClient, url, "k")
		if status != 200 || len(list) != 1 {
			t.Fatalf("%v: GET %d %v", tc.args, status, list)
		}
		cfg := list[0].(map[string]any)["config"].(map[string]any)
		for k, v := range tc.want {
			if cfg[k] != v {
				t.Fatalf("%v: config.%s = %v, want %v (config %v)", tc.args, k, cfg[k], v, cfg)
			}
		}
		if tc.style == "literal" && len(cfg) != len(tc.want) {
			t.Fatalf("literal config %v, want exactly %v", cfg, tc.want)
		}
		if code := stop(); code != 0 {
			t.Fatalf("exit %d", code)
		}
	}
}

func TestCommandUsageErrors(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--listen", "127.0.0.1:0"}, "--api-key (or IMMUTA_API_KEY) is required"},
		{[]string{"--api-key", "k", "--ca-out", "x.pem"}, "--ca-out needs --tls"},
		{[]string{"--api-key", "k", "--bogus"}, "flag provided but not defined: -bogus"},
		{[]string{"--api-key", "k", "--transition-delay", "soon"}, "invalid value \"soon\""},
		{[]string{"--api-key", "k", "--answer-style", "loud"},
			`--answer-style: "loud" is not an answer style: want "echo" or "literal"`},
	}
	for _, tc := range cases {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), tc.args, &stdout, &stderr, func(string) string { return "" })
		if code != 2 || !strings.Contains(stderr.String(), tc.want) || stdout.Len() != 0 {
			t.Fatalf("%v: exit %d, stderr %q", tc.args, code, stderr.String())
		}
	}
	var stderr bytes.Buffer
	bad := filepath.Join(t.TempDir(), "bad.json")
	_ = os.WriteFile(bad, []byte(`[{"type":"Nope"}]`), 0o600)
	if code := run(context.Background(), []string{"--listen", "127.0.0.1:0", "--api-key", "k", "--seed", bad},
		io.Discard, &stderr, func(string) string { return "" }); code != 1 || !strings.Contains(stderr.String(), `"type" must be one of`) {
		t.Fatalf("bad seed: exit %d, stderr %q", code, stderr.String())
	}
}

func TestCommandVersion(t *testing.T) {
	for ldflags, want := range map[string]string{"": "immuta-emulator dev\n", "1.2.3": "immuta-emulator 1.2.3\n"} {
		version = ldflags
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), []string{"--version"}, &stdout, &stderr, func(string) string { return "" }); code != 0 || stdout.String() != want {
			t.Errorf("version %q: exit %d, stdout %q, stderr %q; want %q", ldflags, code, stdout.String(), stderr.String(), want)
		}
	}
	version = ""
}

// A seed copied from a tenant's GET /integrations is answered in the literal style unless
// --answer-style says otherwise; a seed of POST payloads keeps the echo default.
func TestCommandAnswerSeedDefaultsToLiteral(t *testing.T) {
	dir := t.TempDir()
	answer := filepath.Join(dir, "integrations.json")
	if err := os.WriteFile(answer, []byte(`[{"id": "12", "type": "Snowflake", "autoBootstrap": true, "status": "enabled",
		"config": {"host": "acme.snowflakecomputing.com", "warehouse": "W", "database": "D"}}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	payloads := filepath.Join(dir, "payloads.json")
	if err := os.WriteFile(payloads, []byte(`[{"type":"Trino"}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		seed  string
		args  []string
		style string
	}{
		{answer, nil, "literal"},
		{answer, []string{"--answer-style", "echo"}, "echo"},
		{payloads, nil, "echo"},
	} {
		args := append([]string{"--listen", "127.0.0.1:0", "--api-key", "k", "--seed", tc.seed}, tc.args...)
		url, stop := startCommand(t, args, nil)
		if got := settings(t, url)["answerStyle"]; got != tc.style {
			t.Errorf("%s %v: answer style %v, want %s", filepath.Base(tc.seed), tc.args, got, tc.style)
		}
		if status, list := get(t, http.DefaultClient, url, "k"); status != 200 || len(list) != 1 {
			t.Errorf("%s: GET %d %v", filepath.Base(tc.seed), status, list)
		} else if id := list[0].(map[string]any)["id"]; tc.seed == answer && id != "12" {
			t.Errorf("the seeded integration has id %v, want the answer's 12", id)
		}
		stop()
	}

	mixed := filepath.Join(dir, "mixed.json")
	_ = os.WriteFile(mixed, []byte(`[{"id":"1","type":"Trino"},{"type":"Trino"}]`), 0o600)
	var stderr bytes.Buffer
	if code := run(context.Background(), []string{"--listen", "127.0.0.1:0", "--api-key", "k", "--seed", mixed},
		io.Discard, &stderr, func(string) string { return "" }); code != 1 || !strings.Contains(stderr.String(), `mixed.json: seed[1]: every item has an "id"`) {
		t.Fatalf("mixed seed: exit %d, stderr %q", code, stderr.String())
	}
}
