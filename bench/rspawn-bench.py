#!/usr/bin/env python3
"""rspawn-bench.py ROOT N CONCURRENCY MODE: remote deliveries per second through qmail-rspawn.

Feeds an installed ROOT's qmail-rspawn (as qmailr, as qmail-start runs it) a spawn-protocol request
stream, as qmail-send would: at most CONCURRENCY deliveries outstanding, a slot reused only after its
report. Every delivery is one 2 KB message to rcpt@bench.example, which control/smtproutes sends to
Postfix's smtp-sink on 127.0.0.1 (started and stopped here). MODE is `inprocess` (no
control/qmailremote) or `spawn` (control/qmailremote = ROOT/bin/qmail-remote: one JVM per delivery).
A warm-up of CONCURRENCY*4 deliveries is not timed. Prints deliveries/s, the CPU time of qmail-rspawn
and its children per delivery, and qmail-rspawn's peak RSS. Run as root. Bounded: 600 s at most.
"""
import os, pwd, select, shutil, socket, subprocess, sys, time

root, n, conc, mode = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
assert mode in ("inprocess", "spawn") and 1 <= conc <= 120
control = os.path.join(root, "control")
saved = {}
for f in ("smtproutes", "qmailremote"):
    p = os.path.join(control, f)
    saved[f] = open(p, "rb").read() if os.path.exists(p) else None

s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
sink = subprocess.Popen(["smtp-sink", "-u", "nobody", "127.0.0.1:%d" % port, "256"])
num = 990000 + os.getpid() % 1000
mess = os.path.join(root, "queue/mess", str(num % 23), str(num))
proc = None
try:
    with open(os.path.join(control, "smtproutes"), "w") as f:
        f.write("bench.example:127.0.0.1:%d\n" % port)
    qr = os.path.join(control, "qmailremote")
    if mode == "spawn":
        with open(qr, "w") as f: f.write(os.path.join(root, "bin/qmail-remote") + "\n")
    elif os.path.exists(qr):
        os.remove(qr)
    body = "From: a@example.net\nTo: rcpt@bench.example\nSubject: bench\n\n" + ("x" * 71 + "\n") * 27
    with open(mess, "w") as f: f.write(body)
    q = pwd.getpwnam("qmailq"); os.chown(mess, q.pw_uid, q.pw_gid); os.chmod(mess, 0o640)
    for _ in range(50):  # smtp-sink is listening once a connection succeeds
        try:
            socket.create_connection(("127.0.0.1", port), 1).close(); break
        except OSError:
            time.sleep(0.1)
    proc = subprocess.Popen(["setpriv", "--reuid=qmailr", "--regid=qmail", "--clear-groups", "--",
                             os.path.join(root, "bin/qmail-rspawn")], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    out = proc.stdout.fileno()
    assert os.read(out, 1) == b"x", "hello byte"
    req = lambda slot: bytes([slot]) + ("%d/%d\0a@example.net\0rcpt@bench.example\0" % (num % 23, num)).encode()
    buf = b""; free = list(range(conc)); results = {}; peak = 0
    deadline = time.time() + 600

    def rss():
        for line in open("/proc/%d/status" % proc.pid):
            if line.startswith("VmRSS:"): return int(line.split()[1])
        return 0

    def cpu():  # utime stime cutime cstime of qmail-rspawn, in seconds
        f = open("/proc/%d/stat" % proc.pid).read().rsplit(")", 1)[1].split()
        return sum(int(x) for x in f[11:15]) / os.sysconf("SC_CLK_TCK")

    def batch(total):
        global buf, peak
        sent = done = 0
        while done < total:
            assert time.time() < deadline, "bench took too long"
            while free and sent < total:
                proc.stdin.write(req(free.pop())); sent += 1
            proc.stdin.flush()
            r, _, _ = select.select([out], [], [], 10)
            if not r: continue
            chunk = os.read(out, 65536)
            assert chunk, "qmail-rspawn went away"
            buf += chunk
            while True:
                end = buf.find(b"\0", 1)  # the slot byte may itself be NUL
                if end < 0: break
                rep, buf = buf[:end], buf[end + 1:]
                free.append(rep[0]); done += 1
                results[chr(rep[1])] = results.get(chr(rep[1]), 0) + 1
                if chr(rep[1]) != "K" and results[chr(rep[1])] <= 3: print("report:", rep[1:].decode("latin-1"), file=sys.stderr)
            peak = max(peak, rss())

    batch(conc * 4)
    results.clear(); c0 = cpu(); t0 = time.time()
    batch(n)
    t1 = time.time(); c1 = cpu()
    hwm = [l for l in open("/proc/%d/status" % proc.pid) if l.startswith("VmHWM:")][0].split()[1]
    proc.stdin.close(); proc.wait(60)
    print("mode=%s n=%d concurrency=%d deliveries_per_s=%.1f cpu_ms_per_delivery=%.1f rspawn_rss_peak_kb=%d rspawn_hwm_kb=%s results=%s"
          % (mode, n, conc, n / (t1 - t0), 1000 * (c1 - c0) / n, peak, hwm, results))
finally:
    if proc and proc.poll() is None: proc.kill()
    sink.terminate(); sink.wait()
    if os.path.exists(mess): os.remove(mess)
    for f, data in saved.items():
        p = os.path.join(control, f)
        if data is None:
            if os.path.exists(p): os.remove(p)
        else:
            open(p, "wb").write(data)
