import NIOCore

/// A TCP address `HOST:PORT` as mitten writes it in the registry and on the command line.
public struct WireAddress: Hashable, Sendable, Codable, CustomStringConvertible, LosslessStringConvertible {
    /// The host name or IPv4 address.
    public var host: String
    /// The TCP port; 0 when binding means "any free port".
    public var port: Int

    /// Creates an address from its parts.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `HOST:PORT`; returns nil when the port is missing or not a number in 0...65535.
    public init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":") else { return nil }
        let host = String(text[..<colon])
        guard !host.isEmpty, let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else { return nil }
        self.init(host: host, port: port)
    }

    public var description: String { "\(host):\(port)" }

    /// Control's default address: the registry and Control listen here on 127.0.0.1.
    public static let defaultControl = WireAddress(host: "127.0.0.1", port: 7647)

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let address = WireAddress(text) else {
            throw RuntimeError(.badPayload, "'\(text)' is not an address of the form HOST:PORT")
        }
        self = address
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// The address as a socket address when the host is a numeric IPv4 or IPv6 address
    /// (nil for a name): such an address is bound or connected to without `getaddrinfo`,
    /// which costs a netlink socket and file reads at every start and every connection.
    var numericSocketAddress: SocketAddress? {
        try? SocketAddress(ipAddress: host, port: port)
    }
}
