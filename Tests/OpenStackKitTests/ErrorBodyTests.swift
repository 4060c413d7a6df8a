@testable import OpenStackKit
import Testing

@Suite struct ErrorBodyTests {
    @Test(arguments: [
        ("nova-error-itemNotFound.json", 404, OpenStackError.Code.notFound, "Flavor 42 could not be found."),
        ("nova-error-badRequest.json", 400, .badRequest, "Invalid flavorRef provided."),
        ("nova-error-forbidden.json", 403, .http, "Policy doesn't allow os_compute_api:servers:create:forced_host to be performed."),
        ("nova-error-overLimit.json", 403, .http, "Quota exceeded for cores: Requested 2, but already used 20 of 20 cores"),
        ("nova-error-computeFault.json", 500, .http,
         "Unexpected API Error. Please report this at http://bugs.launchpad.net/nova/ and attach the Nova API log if possible.\n<class 'nova.exception_Remote.InternalError_Remote'>"),
        ("neutron-error-rule-exists.json", 409, .conflict, "Security group rule already exists. Rule id is 2bc0accf-312e-429a-956e-e4407625eb62."),
    ])
    func serverMessageIsKeptVerbatim(file: String, status: Int, code: OpenStackError.Code, message: String) throws {
        let error = OpenStackError.fromResponse(status: status, service: "compute", requestID: "req-1", body: try sample(file))
        #expect(error.message == message)
        #expect(error.code == code)
        #expect(error.status == status)
        #expect(error.requestID == "req-1")
        #expect(error.description.contains(message))
    }

    @Test func keystoneRefusalIsAnAuthenticationFailure() throws {
        let error = OpenStackError.fromResponse(status: 401, service: "identity", requestID: nil, body: try sample("keystone-error-unauthorized.json"))
        #expect(error.code == .authenticationFailed)
        #expect(error.message == "The request you have made requires authentication.")
    }

    @Test func plainTextAndEmptyBodies() {
        let text = OpenStackError.fromResponse(status: 503, service: "image", requestID: nil, body: Array("  Service Unavailable\n".utf8))
        #expect(text.message == "Service Unavailable")
        let empty = OpenStackError.fromResponse(status: 502, service: "network", requestID: nil, body: [])
        #expect(empty.message == "network answered HTTP 502 with no message")
    }
}
