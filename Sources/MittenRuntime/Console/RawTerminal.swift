import Foundation

/// The terminal in the console's mode: alternate screen, cursor hidden, raw keyboard
/// (no echo, no line editing, no signals from keys: Ctrl-C arrives as a byte). Entered
/// once; ``restore()`` puts back exactly what was there and is safe to call twice.
public final class RawTerminal: @unchecked Sendable {
    // @unchecked: `saved` is written once in init; `restored` is guarded by `lock`.
    private let input: Int32
    private let output: Int32
    private var saved = termios()
    private var restored = true
    private let lock = NSLock()

    /// Switches `input`/`output` (stdin/stdout by default) to the console's mode.
    /// Throws when `input` is not a terminal.
    public init(input: Int32 = STDIN_FILENO, output: Int32 = STDOUT_FILENO) throws {
        self.input = input
        self.output = output
        guard isatty(input) == 1, tcgetattr(input, &saved) == 0 else {
            throw RuntimeError(.usage, "the live console needs a terminal; use `mitten console --once` (or --json) in scripts")
        }
        var raw = saved
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO | ISIG | IEXTEN)
        raw.c_iflag &= ~tcflag_t(IXON | ICRNL)
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        tcsetattr(input, TCSAFLUSH, &raw)
        restored = false
        put("\u{1B}[?1049h\u{1B}[?25l\u{1B}[H\u{1B}[2J")
    }

    /// Writes `text` in one piece (looping only over partial writes).
    public func put(_ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { write(output, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            offset += written
        }
        bytes.removeAll()
    }

    /// Shows the cursor, leaves the alternate screen and restores the saved settings.
    public func restore() {
        lock.lock()
        defer { lock.unlock() }
        guard !restored else { return }
        restored = true
        put("\u{1B}[0m\u{1B}[?25h\u{1B}[?1049l")
        tcsetattr(input, TCSAFLUSH, &saved)
    }

    /// The terminal's size in cells (80x24 when it cannot be asked).
    public var size: (width: Int, height: Int) {
        var window = winsize()
        guard ioctl(output, UInt(TIOCGWINSZ), &window) == 0, window.ws_col > 0, window.ws_row > 0 else { return (80, 24) }
        return (Int(window.ws_col), Int(window.ws_row))
    }

    deinit { restore() }
}
