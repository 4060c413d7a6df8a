public import NIOHTTP1

/// One HTTP request to an OpenStack service, before authentication headers are added.
public struct OpenStackRequest: Sendable {
    /// The HTTP method.
    public var method: HTTPMethod
    /// The full URL.
    public var url: String
    /// Extra headers (`Content-Type` is added for bodies).
    public var headers: HTTPHeaders
    /// The JSON (or other) body.
    public var body: [UInt8]?
    /// The service it goes to (`identity`, `compute`, ...), for errors and logs.
    public var service: String
    /// Whether sending it twice is harmless. Defaults to true for every method but
    /// POST and PATCH; a caller that made a POST idempotent may set it.
    public var isIdempotent: Bool

    /// Creates a request.
    public init(method: HTTPMethod, url: String, headers: HTTPHeaders = [:], body: [UInt8]? = nil,
                service: String, isIdempotent: Bool? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.service = service
        self.isIdempotent = isIdempotent ?? !(method == .POST || method == .PATCH)
    }
}

/// A successful (status < 400) answer.
public struct OpenStackResponse: Sendable {
    /// The HTTP status.
    public var status: Int
    /// The response headers.
    public var headers: HTTPHeaders
    /// The body bytes.
    public var body: [UInt8]

    /// Creates a response.
    public init(status: Int, headers: HTTPHeaders, body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The server's request id, from `X-Openstack-Request-Id` or `X-Compute-Request-Id`.
    public var requestID: String? { Self.requestID(in: headers) }

    /// The request id in a set of response headers.
    public static func requestID(in headers: HTTPHeaders) -> String? {
        headers.first(name: "x-openstack-request-id") ?? headers.first(name: "x-compute-request-id")
    }
}
