/// The `Statistics` service kind: a named accumulator that workers add values to.
public actor StatisticsService: HostedService {
    /// The wire service name.
    public static let kindName = "Statistics"

    /// A summary as `summary` and `add` return it.
    public struct Summary: Codable, Sendable, Equatable {
        /// Values added.
        public var count: Int
        /// Mean (nil when empty).
        public var mean: Double?
        /// Sample standard deviation (nil with fewer than two values).
        public var standardDeviation: Double?
        /// Smallest value.
        public var minimum: Double?
        /// Largest value.
        public var maximum: Double?

        init(_ statistics: RunningStatistics) {
            count = statistics.count
            mean = statistics.count > 0 ? statistics.mean : nil
            standardDeviation = statistics.standardDeviation
            minimum = statistics.minimum
            maximum = statistics.maximum
        }
    }

    /// `add` argument: a batch of values.
    public struct Values: Codable, Sendable {
        /// The values to add.
        public var values: [Double]
        /// Creates a batch.
        public init(values: [Double]) { self.values = values }
    }

    private let name: String
    private var statistics = RunningStatistics()

    /// Creates an empty accumulator registered as `Statistics-NAME`.
    public init(name: String) {
        self.name = name
    }

    /// Adds values and returns the new summary.
    public func add(_ values: [Double]) -> Summary {
        statistics.add(contentsOf: values)
        return Summary(statistics)
    }

    /// The current summary.
    public func summary() -> Summary { Summary(statistics) }

    public nonisolated var wireService: WireService {
        var service = WireService(name: Self.kindName)
        service.on("add", Values.self) { [self] argument in await self.add(argument.values) }
        service.on("summary", WireEmpty.self) { [self] _ in await self.summary() }
        return service
    }

    public func describe() -> ServiceDescription {
        ServiceDescription(name: "\(Self.kindName)-\(name)", kind: Self.kindName, columns: [
            .init("Items", .integer(statistics.count)),
            .init("Mean", statistics.count > 0 ? .number(statistics.mean, digits: 3) : .text("-")),
            .init("StdDev", statistics.standardDeviation.map { .number($0, digits: 3) } ?? .text("-")),
        ])
    }
}

/// A typed client of one `Statistics-NAME` service.
public struct StatisticsClient: Sendable {
    /// The connection (resolving the service's address through the registry).
    public let client: WireClient
    /// Per-call timeout.
    public var timeout: Duration

    /// Creates a client.
    public init(client: WireClient, timeout: Duration = .seconds(10)) {
        self.client = client
        self.timeout = timeout
    }

    /// Adds values in one call and returns the new summary.
    @discardableResult
    public func add(_ values: [Double]) async throws -> StatisticsService.Summary {
        try await client.call(service: StatisticsService.kindName, method: "add", StatisticsService.Values(values: values), as: StatisticsService.Summary.self, timeout: timeout)
    }

    /// The current summary.
    public func summary() async throws -> StatisticsService.Summary {
        try await client.call(service: StatisticsService.kindName, method: "summary", WireEmpty(), as: StatisticsService.Summary.self, timeout: timeout)
    }
}
