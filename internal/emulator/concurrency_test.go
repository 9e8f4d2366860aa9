// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"
)

// TestConcurrentClients runs 200 goroutines, each creating, reading, editing and (for every other one)
// deleting its own integration, and then checks the final state is exactly what they left.
func TestConcurrentClients(t *testing.T) {
	srv, base := start(t, 2*time.Millisecond)
	hc := &http.Client{Timeout: 20 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 200}}
	const workers = 200
	ids := make([]string, workers)
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for i := range workers {
		wg.Go(func() {
			if err := worker(base.base, hc, i, &ids[i]); err != nil {
				errs <- fmt.Errorf("worker %d: %w", i, err)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if t.Failed() {
		return
	}

	// Let the last transitions finish, then compare with what the workers left behind.
	time.Sleep(10 * time.Millisecond)
	recs := srv.Emulator.Integrations()
	if len(recs) != workers/2 {
		t.Fatalf("%d integrations left, want %d", len(recs), workers/2)
	}
	seen := map[string]bool{}
	for _, r := range recs {
		var i int
		if _, err := fmt.Sscanf(r.Config["host"].(string), "h%d.snowflakecomputing.com", &i); err != nil {
			t.Fatalf("unexpected host %v", r.Config["host"])
		}
		if i%2 != 0 || ids[i] != r.ID || r.Status != "enabled" || r.Config["warehouse"] != fmt.Sprintf("WH_%d", i) {
			t.Fatalf("record of worker %d: %+v", i, r)
		}
		seen[r.ID] = true
	}
	if len(seen) != workers/2 {
		t.Fatal("duplicate ids")
	}
	if n := len(srv.Emulator.Requests()); n < workers*5 {
		t.Fatalf("only %d requests logged", n)
	}
}

// worker drives one integration through its life; it reports errors instead of failing the test from
// another goroutine.
func worker(base string, hc *http.Client, i int, id *string) error {
	c := &client{t: nil, base: base, key: adminKey, hc: hc}
	p := snowflake(fmt.Sprintf("h%d.snowflakecomputing.com", i), false)
	r, err := c.try("POST", "/integrations", p)
	if err != nil || r.status != 200 {
		return fmt.Errorf("POST: %v %d %s", err, r.status, r.raw)
	}
	*id = r.str("id")
	waitFor := func(want string) error {
		for range 2000 {
			r, err := c.try("GET", "/integrations/"+*id, nil)
			if err != nil {
				return err
			}
			got := r.str("status")
			if r.status == 404 {
				got = "404"
			}
			if got == want {
				return nil
			}
			time.Sleep(time.Millisecond)
		}
		return fmt.Errorf("never reached %s", want)
	}
	if err := waitFor("enabled"); err != nil {
		return err
	}
	cfgOf(p)["warehouse"] = fmt.Sprintf("WH_%d", i)
	if r, err := c.try("PUT", "/integrations/"+*id, p); err != nil || r.status != 200 {
		return fmt.Errorf("PUT: %v %d %s", err, r.status, r.raw)
	}
	if err := waitFor("enabled"); err != nil {
		return err
	}
	if i%2 == 1 {
		if r, err := c.try("DELETE", "/integrations/"+*id, nil); err != nil || r.status != 200 {
			return fmt.Errorf("DELETE: %v %d %s", err, r.status, r.raw)
		}
		return waitFor("404")
	}
	return nil
}
