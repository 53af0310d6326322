//! Talking to a dev server from tests: a plain `TcpStream` HTTP client (so that odd request
//! paths reach the server unchanged, and bodies arrive byte for byte), and the `pamphlet serve`
//! command run as a process whose output lines arrive on channels. Used by tests/it/serve.rs and
//! tests/it/parity.rs.

// Helpers outside #[test] functions: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

/// How long to wait for a rebuild (or a first build) on a busy machine before failing.
pub const DEADLINE: Duration = Duration::from_secs(30);

/// An HTTP response, read whole.
pub struct Response {
    /// The status code (0 when the status line did not parse).
    pub status: u16,
    /// Header names and values, in order.
    pub headers: Vec<(String, String)>,
    /// The body as text (invalid UTF-8 replaced), for `contains` checks.
    pub body: String,
    /// The body exactly as sent.
    pub bytes: Vec<u8>,
}

impl Response {
    /// The value of header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// Sends `method path` as written (no normalisation) and reads the whole response.
pub fn request(addr: SocketAddr, method: &str, path: &str) -> Response {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(DEADLINE)).unwrap();
    write!(stream, "{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n");
    let (head, bytes) = match split {
        Some(at) => (&raw[..at], raw[at + 4..].to_vec()),
        None => (&raw[..], Vec::new()),
    };
    let head = String::from_utf8_lossy(head);
    let mut lines = head.lines();
    let status = lines.next().and_then(|l| l.split(' ').nth(1)).and_then(|s| s.parse().ok()).unwrap_or(0);
    let headers =
        lines.filter_map(|l| l.split_once(':')).map(|(n, v)| (n.trim().to_string(), v.trim().to_string())).collect();
    let mut response = Response { status, headers, body: String::new(), bytes };
    // tiny_http sends bodies over 32 KiB in chunks, even when it knows their length.
    if response.header("Transfer-Encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        response.bytes = dechunk(&response.bytes);
    }
    response.body = String::from_utf8_lossy(&response.bytes).into_owned();
    response
}

/// The body of a `Transfer-Encoding: chunked` message (RFC 9112 §7.1), without trailers.
fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    loop {
        let line_end = raw.windows(2).position(|w| w == b"\r\n").expect("a chunk size line");
        let size = std::str::from_utf8(&raw[..line_end]).unwrap();
        let size = usize::from_str_radix(size.split(';').next().unwrap().trim(), 16).expect("a hex chunk size");
        raw = &raw[line_end + 2..];
        if size == 0 {
            return body;
        }
        body.extend_from_slice(&raw[..size]);
        assert_eq!(&raw[size..size + 2], b"\r\n", "a chunk ends with CRLF");
        raw = &raw[size + 2..];
    }
}

/// A `pamphlet serve` process whose output lines arrive on channels. Dropping it kills it.
pub struct ServeCommand {
    /// The process.
    pub child: std::process::Child,
    /// Its stdout, line by line.
    pub stdout: Receiver<String>,
    /// Its stderr, line by line.
    pub stderr: Receiver<String>,
    /// One message each time stdout or stderr reaches its end (the process closed it).
    closed: Receiver<()>,
}

impl ServeCommand {
    /// Runs `pamphlet serve --root <root> <args>`.
    pub fn spawn(root: &Path, args: &[&str]) -> ServeCommand {
        ServeCommand::spawn_with(root, args, |_| {})
    }

    /// As [`ServeCommand::spawn`], after `setup` adjusts the command (its environment).
    pub fn spawn_with(root: &Path, args: &[&str], setup: impl FnOnce(&mut std::process::Command)) -> ServeCommand {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_pamphlet"));
        setup(&mut command);
        let mut child = command
            .arg("serve")
            .arg("--root")
            .arg(root)
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let (closing, closed) = std::sync::mpsc::channel();
        let stdout = lines(child.stdout.take().unwrap(), closing.clone());
        let stderr = lines(child.stderr.take().unwrap(), closing);
        ServeCommand { child, stdout, stderr, closed }
    }

    /// The next line of `stream` that contains `needle`.
    pub fn line_with(stream: &Receiver<String>, needle: &str) -> String {
        let deadline = Instant::now() + DEADLINE;
        loop {
            let left = deadline.checked_duration_since(Instant::now()).expect("no such line in time");
            let line = stream.recv_timeout(left).unwrap_or_else(|_| panic!("no line containing {needle:?}"));
            if line.contains(needle) {
                return line;
            }
        }
    }

    /// The next line of `stream`, whatever it says.
    pub fn next_line(stream: &Receiver<String>) -> String {
        stream.recv_timeout(DEADLINE).unwrap_or_else(|_| panic!("no line within {DEADLINE:?}"))
    }

    /// Waits for the `serving <url> (Ctrl-C to stop)` line, which the command prints once its
    /// first build is done and its port is open; returns the address and the URL's path.
    pub fn serving(&self) -> (SocketAddr, String) {
        serving_address(&ServeCommand::line_with(&self.stdout, "serving "))
    }

    /// [`ServeCommand::serving`], also waiting for the `search: index updated` line the search
    /// thread prints once it serves the first build's index (before or after `serving`).
    pub fn serving_with_search(&self) -> (SocketAddr, String) {
        let (mut serving, mut indexed) = (None, false);
        while serving.is_none() || !indexed {
            let line = ServeCommand::next_line(&self.stdout);
            if line.starts_with("serving ") {
                serving = Some(serving_address(&line));
            }
            indexed |= line.starts_with("search: index updated");
        }
        serving.unwrap()
    }

    /// Waits for the process to exit: for both its output streams to close (the event an
    /// exiting process gives), then for its status.
    pub fn wait(&mut self) -> std::process::ExitStatus {
        let deadline = Instant::now() + DEADLINE;
        for _ in 0..2 {
            let left = deadline.saturating_duration_since(Instant::now());
            self.closed.recv_timeout(left).expect("pamphlet serve did not exit");
        }
        self.child.wait().unwrap()
    }
}

impl Drop for ServeCommand {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The address and the URL's path of a `serving http://127.0.0.1:1234/path/ …` line.
fn serving_address(line: &str) -> (SocketAddr, String) {
    let url = line.strip_prefix("serving http://").and_then(|l| l.split(' ').next()).unwrap();
    let (host, path) = url.split_at(url.find('/').unwrap());
    (host.parse().unwrap(), path.to_string())
}

/// The lines of `stream` as they arrive; `closed` hears when the stream ends.
fn lines(stream: impl Read + Send + 'static, closed: std::sync::mpsc::Sender<()>) -> Receiver<String> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
        let _ = closed.send(());
    });
    rx
}
