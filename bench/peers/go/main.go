// The peer benchmark's Go stack: the talk's own (nats.go). One binary, two roles, driven over stdin by
// ./natrix bench peers exactly like the Java and Moleculer peers (see bench/README.md for the protocol).
//
//	go-peer respond URL PREFIX inline|goroutine   echo on PREFIX.echo (queue group), broadcast listeners on PREFIX.events
//	go-peer request URL PREFIX                    closed-loop requests and a publisher
//	go-peer http-request URL -                    closed-loop POSTs to URL (the HTTP peer's echo) with net/http
package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
)

func main() {
	if len(os.Args) < 4 {
		fmt.Fprintln(os.Stderr, "usage: go-peer respond|request|http-request URL PREFIX [inline|goroutine]")
		os.Exit(2)
	}
	role, url, prefix := os.Args[1], os.Args[2], os.Args[3]
	if role == "http-request" {
		httpRequest(url)
		return
	}
	nc, err := nats.Connect(url, secured(nats.Name("peer-go-"+role), nats.MaxReconnects(-1))...)
	if err != nil {
		fmt.Fprintln(os.Stderr, "go-peer: cannot connect to", url, ":", err)
		os.Exit(1)
	}
	defer nc.Close()
	switch role {
	case "respond":
		mode := "inline"
		if len(os.Args) > 4 {
			mode = os.Args[4]
		}
		respond(nc, url, prefix, mode)
	case "request":
		request(nc, prefix)
	default:
		fmt.Fprintln(os.Stderr, "go-peer: unknown role", role)
		os.Exit(2)
	}
}

// secured adds, in a secured run (bench peers --secured), the bench's nkey user and its CA for TLS.
func secured(options ...nats.Option) []nats.Option {
	seed := os.Getenv("NATRIX_PEER_SEED")
	if seed == "" {
		return options
	}
	nkey, err := nats.NkeyOptionFromSeed(seed)
	if err != nil {
		fmt.Fprintln(os.Stderr, "go-peer: cannot read the nkey seed", seed, ":", err)
		os.Exit(1)
	}
	return append(options, nkey, nats.RootCAs(os.Getenv("NATRIX_PEER_CA")))
}

func respond(nc *nats.Conn, url, prefix, mode string) {
	handler := func(m *nats.Msg) { m.Respond(m.Data) }
	if mode == "goroutine" { // the talk's "handler == new goroutine"
		handler = func(m *nats.Msg) { go m.Respond(m.Data) }
	}
	sub, err := nc.QueueSubscribe(prefix+".echo", "peer", handler)
	check(err)
	check(sub.SetPendingLimits(-1, -1))
	check(nc.Flush())
	var listeners []*nats.Conn
	var count, last int64
	commands(func(words []string) string {
		switch words[0] {
		case "listeners":
			for _, l := range listeners {
				l.Close()
			}
			listeners = nil
			n, _ := strconv.Atoi(words[1])
			for i := 0; i < n; i++ {
				l, err := nats.Connect(url, secured(nats.Name(fmt.Sprintf("peer-go-listener-%d", i)))...)
				check(err)
				s, err := l.Subscribe(prefix+".events", func(m *nats.Msg) {
					atomic.AddInt64(&count, 1)
					atomic.StoreInt64(&last, time.Now().UnixNano())
				})
				check(err)
				check(s.SetPendingLimits(-1, -1))
				check(l.Flush())
				listeners = append(listeners, l)
			}
			atomic.StoreInt64(&count, 0)
			return "ok"
		case "await":
			expected, _ := strconv.ParseInt(words[1], 10, 64)
			quiet, _ := strconv.Atoi(words[2])
			awaitCount(&count, expected, time.Duration(quiet)*time.Millisecond)
			return fmt.Sprintf("ok %d %d", atomic.LoadInt64(&count), atomic.LoadInt64(&last))
		}
		return "error unknown command " + words[0]
	})
}

func awaitCount(count *int64, expected int64, quiet time.Duration) {
	seen, since := atomic.LoadInt64(count), time.Now()
	for seen < expected && time.Since(since) < quiet {
		time.Sleep(time.Millisecond)
		if now := atomic.LoadInt64(count); now != seen {
			seen, since = now, time.Now()
		}
	}
}

func request(nc *nats.Conn, prefix string) {
	commands(func(words []string) string {
		switch words[0] {
		case "rr":
			callers, _ := strconv.Atoi(words[1])
			millis, _ := strconv.Atoi(words[2])
			size, _ := strconv.Atoi(words[3])
			payload := make([]byte, size)
			call := func() error {
				_, err := nc.Request(prefix+".echo", payload, 10*time.Second)
				return err
			}
			return closedLoop("Go_nats.go", call, callers, time.Duration(millis)*time.Millisecond, latencyFile(words))
		case "sync": // the server knows every subscription once its listener flushed
			return "ok"
		case "pub": // pub COUNT MAXMILLIS SIZE
			count, _ := strconv.Atoi(words[1])
			millis, _ := strconv.Atoi(words[2])
			size, _ := strconv.Atoi(words[3])
			payload := make([]byte, size)
			started := time.Now()
			end := started.Add(time.Duration(millis) * time.Millisecond)
			published := 0
			for published < count && time.Now().Before(end) {
				for i := 0; i < 100 && published < count; i++ {
					check(nc.Publish(prefix+".events", payload))
					published++
				}
			}
			check(nc.Flush())
			return fmt.Sprintf("ok %d %d %d", published, started.UnixNano(), time.Now().UnixNano())
		}
		return "error unknown command " + words[0]
	})
}

// httpRequest answers rr commands with closed-loop POSTs of the payload to url: one kept-alive connection per
// caller, as a tuned HTTP client would use (Go's default keeps only 2 idle connections per host).
func httpRequest(url string) {
	transport := &http.Transport{MaxIdleConns: 0, MaxIdleConnsPerHost: 4096, DisableCompression: true}
	client := &http.Client{Transport: transport, Timeout: 10 * time.Second}
	commands(func(words []string) string {
		if words[0] != "rr" {
			return "error http has no broadcast"
		}
		callers, _ := strconv.Atoi(words[1])
		millis, _ := strconv.Atoi(words[2])
		size, _ := strconv.Atoi(words[3])
		payload := make([]byte, size)
		call := func() error {
			response, err := client.Post(url, "application/octet-stream", bytes.NewReader(payload))
			if err != nil {
				return err
			}
			n, err := io.Copy(io.Discard, response.Body)
			response.Body.Close()
			if err == nil && (response.StatusCode != 200 || n != int64(size)) {
				err = fmt.Errorf("HTTP %d, %d bytes", response.StatusCode, n)
			}
			return err
		}
		return closedLoop("Go_net/http", call, callers, time.Duration(millis)*time.Millisecond, latencyFile(words))
	})
}

// latencyFile is the rr command's optional fifth word: where to write every latency ("nanoseconds count" lines).
func latencyFile(words []string) string {
	if len(words) > 4 {
		return words[4]
	}
	return ""
}

// stallLog is the folder of bench peers --stall-log (StallLog.java's format): every call over 1 ms with the
// wall-clock time it ended, written after the run.
var stallLog = os.Getenv("NATRIX_STALL_LOG")

func closedLoop(name string, call func() error, callers int, duration time.Duration, latencies string) string {
	var running int32 = 1
	var stallMu sync.Mutex
	var stalls strings.Builder
	var errors int64
	perCaller := make([][]int64, callers)
	var wg sync.WaitGroup
	started := time.Now()
	for i := 0; i < callers; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			mine := make([]int64, 0, 256) // grows as needed: no fixed 32 KiB per caller for the collector to carry
			for atomic.LoadInt32(&running) == 1 {
				t0 := time.Now()
				if err := call(); err != nil {
					atomic.AddInt64(&errors, 1)
					continue
				}
				took := int64(time.Since(t0))
				mine = append(mine, took)
				if stallLog != "" && took > 1000000 {
					stallMu.Lock()
					fmt.Fprintf(&stalls, "%d %d\n", time.Now().UnixNano(), took)
					stallMu.Unlock()
				}
			}
			perCaller[i] = mine
		}(i)
	}
	time.Sleep(duration)
	atomic.StoreInt32(&running, 0)
	wg.Wait()
	elapsed := time.Since(started)
	if stallLog != "" {
		if err := appendStalls(name, started, stalls.String()); err != nil {
			return "error " + strings.ReplaceAll(err.Error(), "\n", " ")
		}
	}
	var all []int64
	for _, l := range perCaller {
		all = append(all, l...)
	}
	sort.Slice(all, func(a, b int) bool { return all[a] < all[b] })
	if latencies != "" {
		if err := writeLatencies(all, latencies); err != nil {
			return "error " + strings.ReplaceAll(err.Error(), "\n", " ")
		}
	}
	return fmt.Sprintf("ok %d %d %d %d %d %d", len(all), errors, at(all, 50), at(all, 99), at(all, 99.9), int64(elapsed))
}

func appendStalls(name string, started time.Time, calls string) error {
	f, err := os.OpenFile(fmt.Sprintf("%s/stalls-%d.txt", stallLog, os.Getpid()), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = fmt.Fprintf(f, "run %s %d %d\n%s", name, started.UnixNano(), time.Now().UnixNano(), calls)
	return err
}

// writeLatencies writes sorted latencies as "nanoseconds count" lines, equal values counted once.
func writeLatencies(sorted []int64, file string) error {
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	out := bufio.NewWriter(f)
	for i := 0; i < len(sorted); {
		j := i
		for j < len(sorted) && sorted[j] == sorted[i] {
			j++
		}
		fmt.Fprintf(out, "%d %d\n", sorted[i], j-i)
		i = j
	}
	if err := out.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func at(sorted []int64, percentile float64) int64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted))*percentile/100+0.5) - 1
	if i < 0 {
		i = 0
	}
	if i >= len(sorted) {
		i = len(sorted) - 1
	}
	return sorted[i]
}

// commands reads one command a line from stdin and prints the answer; EOF ends the process.
func commands(answer func(words []string) string) {
	fmt.Println("ready")
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		words := strings.Fields(in.Text())
		if len(words) > 0 {
			fmt.Println(answer(words))
		}
	}
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "go-peer:", err)
		os.Exit(1)
	}
}
