// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package client

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Terraform's ten parallel operations share the client: after the first
// wave, requests reuse idle connections instead of opening new ones.
func TestParallelRequestsReuseConnections(t *testing.T) {
	var opened atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"id":"1","type":"Snowflake","status":"enabled"}`))
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			opened.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()

	c := newTestClient(t, srv.URL)
	const workers, perWorker = 10, 30
	var wg sync.WaitGroup
	errs := make(chan error, workers*perWorker)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range perWorker {
				if _, err := c.GetIntegration(context.Background(), "1"); err != nil {
					errs <- err
				}
				// Terraform's operations do their own work between requests,
				// so several connections lie idle at once.
				time.Sleep(2 * time.Millisecond)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	// One connection per worker, and a few more when the transport dials for
	// a waiting request just as another connection comes free. Keeping only
	// GOMAXPROCS+1 idle connections (the default) opened 100 to 160 here.
	if n := opened.Load(); n > 2*workers {
		t.Errorf("%d requests from %d workers opened %d connections, want at most %d", workers*perWorker, workers, n, 2*workers)
	}
}
