// The peer benchmark's Moleculer stack: the same echo and broadcast over Moleculer's NATS transporter,
// driven over stdin by ./natrix bench peers exactly like the Java and Go peers (bench/README.md has the protocol).
//
//   node peer.js respond URL PREFIX   an "echo" service; broadcast listeners on demand (one broker each)
//   node peer.js request URL PREFIX   closed-loop calls and a broadcaster
"use strict";
const { ServiceBroker } = require("moleculer");
const readline = require("node:readline");

const [role, url, prefix] = process.argv.slice(2);
if (!role || !url || !prefix) {
    console.error("usage: node peer.js respond|request URL PREFIX");
    process.exit(2);
}

function broker(nodeID) {
    return new ServiceBroker({
        namespace: prefix, nodeID, transporter: url, logger: false,
        requestTimeout: 10000, metrics: false, tracing: false,
    });
}

// epoch nanoseconds with sub-millisecond precision, comparable with the other peers' clocks
function epochNanos() {
    return BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));
}

function commands(answer) {
    console.log("ready");
    const lines = readline.createInterface({ input: process.stdin });
    let queue = Promise.resolve();
    lines.on("line", line => {
        const words = line.trim().split(/\s+/);
        if (words[0]) {
            queue = queue.then(() => answer(words)).then(reply => console.log(reply),
                error => console.log("error " + String(error.message || error).replace(/\s+/g, " ")));
        }
    });
    lines.on("close", () => queue.then(() => process.exit(0)));
}

async function respond() {
    const echo = broker(prefix + "-echo");
    echo.createService({ name: "echo", actions: { echo(ctx) { return ctx.params; } } });
    await echo.start();
    let listeners = [];
    let count = 0;
    let last = 0n;
    commands(async words => {
        switch (words[0]) {
            case "listeners": {
                await Promise.all(listeners.map(l => l.stop()));
                listeners = [];
                for (let i = 0; i < Number(words[1]); i++) {
                    const listener = broker(prefix + "-listener-" + i);
                    listener.createService({
                        name: "listener",
                        events: { "peer.event"() { count++; last = epochNanos(); } },
                    });
                    await listener.start();
                    listeners.push(listener);
                }
                count = 0;
                return "ok";
            }
            case "await": {
                const expected = Number(words[1]);
                const quiet = Number(words[2]);
                let seen = count;
                let since = Date.now();
                while (seen < expected && Date.now() - since < quiet) {
                    await new Promise(resolve => setTimeout(resolve, 1));
                    if (count !== seen) {
                        seen = count;
                        since = Date.now();
                    }
                }
                return `ok ${count} ${last}`;
            }
        }
        return "error unknown command " + words[0];
    });
}

function percentile(sorted, p) {
    if (sorted.length === 0) return 0;
    const i = Math.min(sorted.length - 1, Math.max(0, Math.round(sorted.length * p / 100) - 1));
    return sorted[i];
}

async function request() {
    const caller = broker(prefix + "-requester");
    await caller.start();
    await caller.waitForServices(["echo"], 30000);
    commands(async words => {
        switch (words[0]) {
            case "rr": {
                const [callers, millis, size] = words.slice(1).map(Number);
                const params = { data: "x".repeat(size) };
                const latencies = [];
                let errors = 0;
                let running = true;
                const started = process.hrtime.bigint();
                const loop = async () => {
                    while (running) {
                        const t0 = process.hrtime.bigint();
                        try {
                            await caller.call("echo.echo", params);
                            latencies.push(Number(process.hrtime.bigint() - t0));
                        } catch (e) {
                            errors++;
                        }
                    }
                };
                const loops = Array.from({ length: callers }, loop);
                await new Promise(resolve => setTimeout(resolve, millis));
                running = false;
                await Promise.all(loops);
                const elapsed = process.hrtime.bigint() - started;
                latencies.sort((a, b) => a - b);
                if (words.length > 4) { // every latency, "nanoseconds count" lines, for the one rule of Latencies.java
                    const lines = [];
                    for (let i = 0; i < latencies.length;) {
                        let j = i;
                        while (j < latencies.length && latencies[j] === latencies[i]) j++;
                        lines.push(`${latencies[i]} ${j - i}`);
                        i = j;
                    }
                    require("fs").writeFileSync(words[4], lines.join("\n") + "\n");
                }
                return `ok ${latencies.length} ${errors} ${percentile(latencies, 50)} ${percentile(latencies, 99)} `
                    + `${percentile(latencies, 99.9)} ${elapsed}`;
            }
            case "sync": { // sync N: wait until this broker knows N listener nodes, or a broadcast would miss them
                const wanted = Number(words[1]);
                const deadline = Date.now() + 10000;
                const known = () => caller.registry.nodes.list({ onlyAvailable: true, withServices: true })
                    .filter(node => node.services.some(service => service.name === "listener")).length;
                while (known() < wanted && Date.now() < deadline) {
                    await new Promise(resolve => setTimeout(resolve, 10));
                }
                return known() >= wanted ? "ok" : `error only ${known()} of ${wanted} listener nodes known after 10 s`;
            }
            case "pub": { // pub COUNT MAXMILLIS SIZE
                const [count, millis, size] = words.slice(1).map(Number);
                const payload = { data: "x".repeat(size) };
                const started = epochNanos();
                const end = Date.now() + millis;
                let published = 0;
                while (published < count && Date.now() < end) {
                    const batch = [];
                    for (let i = 0; i < 100 && published < count; i++, published++) {
                        batch.push(caller.broadcast("peer.event", payload));
                    }
                    await Promise.all(batch);
                }
                return `ok ${published} ${started} ${epochNanos()}`;
            }
        }
        return "error unknown command " + words[0];
    });
}

(role === "respond" ? respond() : request()).catch(error => {
    console.error("moleculer peer:", error);
    process.exit(1);
});
