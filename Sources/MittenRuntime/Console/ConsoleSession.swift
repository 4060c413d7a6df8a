import Dispatch
import Foundation
import Logging

/// The live loop of `mitten console`: fetches a snapshot every `interval`, keeps the
/// lost and rate trackers, renders with ``ConsoleScreen`` and writes one frame per
/// change. Keys scroll and quit; SIGWINCH redraws at the new size; SIGINT/SIGTERM quit;
/// the terminal is restored on every way out.
public struct ConsoleSession: Sendable {
    /// Control's address.
    public var control: WireAddress
    /// The cluster secret.
    public var secret: ClusterSecret
    /// Time between refreshes.
    public var interval: Duration
    /// How long lost services stay on screen.
    public var keepLost: Double
    /// Whether to colour (see ``ConsoleColour``).
    public var colour: Bool
    /// Logger for the wire clients (keep it quiet: the screen is the output).
    public var logger: Logger

    /// Creates a session.
    public init(control: WireAddress, secret: ClusterSecret, interval: Duration, keepLost: Double = 60, colour: Bool, logger: Logger) {
        self.control = control
        self.secret = secret
        self.interval = interval
        self.keepLost = keepLost
        self.colour = colour
        self.logger = logger
    }

    enum Event: Sendable {
        case snapshot(Result<[ServiceDescription], RuntimeError>)
        case keys([ConsoleKey])
        case resize
        case quit
    }

    /// Runs until `q`, Ctrl-C, SIGINT or SIGTERM; the terminal is restored before it returns.
    public func run() async throws {
        let terminal = try RawTerminal()
        defer { terminal.restore() }
        let (events, continuation) = AsyncStream<Event>.makeStream()
        let signals = [SIGWINCH, SIGINT, SIGTERM, SIGHUP].map { number -> any DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.yield(number == SIGWINCH ? .resize : .quit) }
            source.resume()
            return source
        }
        defer { for source in signals { source.cancel() } }
        // Blocking reads on their own thread; it ends with the process.
        Thread.detachNewThread {
            var buffer = [UInt8](repeating: 0, count: 64)
            while true {
                let count = read(STDIN_FILENO, &buffer, buffer.count)
                if count < 0, errno == EINTR { continue }
                guard count > 0 else {
                    continuation.yield(.quit)
                    return
                }
                let keys = ConsoleKey.parse(Array(buffer[0..<count]))
                if !keys.isEmpty { continuation.yield(.keys(keys)) }
            }
        }
        let refresher = Task { [self] in
            while !Task.isCancelled {
                continuation.yield(.snapshot(await fetch()))
                try? await Task.sleep(for: interval)
            }
        }
        defer { refresher.cancel() }

        let started = ContinuousClock.now
        func elapsed() -> Double { Self.seconds(ContinuousClock.now - started) }
        var lost = LostTracker(keep: keepLost)
        var rates = RateTracker()
        var latestRates: [String: [String: Double]] = [:]
        var frame = ConsoleFrame(control: control.description, state: .waiting(seconds: 0, reason: nil), rows: [], interval: Self.seconds(interval))
        var waitingSince: Double? = 0
        var scroll = 0
        var page = 1
        var count = 0
        func draw() {
            let size = terminal.size
            let output = ConsoleScreen.render(frame, width: size.width, height: size.height, scroll: scroll, colour: colour)
            scroll = output.scroll
            page = output.bodyHeight
            count = output.bodyCount
            terminal.put(ConsoleScreen.terminalFrame(output.lines))
        }
        draw()
        for await event in events {
            switch event {
            case .quit:
                return
            case .resize:
                break
            case .keys(let keys):
                if keys.contains(.quit) { return }
                for key in keys { scroll = key.scrolled(scroll, page: page, count: count) }
            case .snapshot(.success(let descriptions)):
                let now = elapsed()
                waitingSince = nil
                for (name, serviceRates) in rates.update(descriptions, at: now) { latestRates[name] = serviceRates }
                let rows = lost.update(descriptions, at: now).map { row in
                    ConsoleFrame.Row(description: row.description, lostFor: row.lostFor, rates: row.lostFor == nil ? latestRates[row.description.name] ?? [:] : [:])
                }
                frame.state = .live
                frame.rows = rows
                frame.clock = Self.wallClock()
            case .snapshot(.failure(let error)):
                let now = elapsed()
                let since = waitingSince ?? now
                waitingSince = since
                frame.state = .waiting(seconds: now - since, reason: error.message)
                frame.clock = Self.wallClock()
            }
            draw()
        }
    }

    /// One snapshot, waiting at most about one interval for Control.
    func fetch() async -> Result<[ServiceDescription], RuntimeError> {
        do {
            let wait = min(interval, .seconds(2))
            return .success(try await StatusSnapshot.take(control: control, secret: secret, wait: wait, describeTimeout: wait, logger: logger))
        } catch let error as RuntimeError {
            return .failure(error)
        } catch {
            return .failure(RuntimeError(.connectFailed, "\(error)"))
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// Local wall-clock time as `HH:MM:SS`.
    static func wallClock() -> String {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        return String(format: "%02d:%02d:%02d", parts.tm_hour, parts.tm_min, parts.tm_sec)
    }
}
