import Crypto

/// The challenge-response handshake that opens every connection (docs/wire-protocol.md):
///
/// 1. server -> client: `"MITTEN" u16(version) nonceS[32]`
/// 2. client -> server: `nonceC[32] HMAC-SHA256(secret, "mitten-client" nonceS nonceC)`
/// 3. server -> client: `HMAC-SHA256(secret, "mitten-server" nonceC nonceS)`
///
/// The server dispatches no frame before step 2 verifies; the client sends no call
/// before step 3 verifies, so both sides prove knowledge of the cluster secret.
enum Handshake {
    static let magic: [UInt8] = Array("MITTEN".utf8)
    static let version: UInt16 = 1
    static let nonceLength = 32
    static let macLength = 32
    static let helloLength = magic.count + 2 + nonceLength
    static let clientProofLength = nonceLength + macLength

    static func nonce() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<nonceLength).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    static func clientMAC(secret: ClusterSecret, serverNonce: [UInt8], clientNonce: [UInt8]) -> [UInt8] {
        mac(secret: secret, label: "mitten-client", serverNonce + clientNonce)
    }

    static func serverMAC(secret: ClusterSecret, serverNonce: [UInt8], clientNonce: [UInt8]) -> [UInt8] {
        mac(secret: secret, label: "mitten-server", clientNonce + serverNonce)
    }

    /// Constant-time check of a peer's proof.
    static func verify(_ mac: [UInt8], label: String, secret: ClusterSecret, _ data: [UInt8]) -> Bool {
        HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: Array(label.utf8) + data, using: secret.key)
    }

    static func verifyClient(_ mac: [UInt8], secret: ClusterSecret, serverNonce: [UInt8], clientNonce: [UInt8]) -> Bool {
        verify(mac, label: "mitten-client", secret: secret, serverNonce + clientNonce)
    }

    static func verifyServer(_ mac: [UInt8], secret: ClusterSecret, serverNonce: [UInt8], clientNonce: [UInt8]) -> Bool {
        verify(mac, label: "mitten-server", secret: secret, clientNonce + serverNonce)
    }

    private static func mac(secret: ClusterSecret, label: String, _ data: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Array(label.utf8) + data, using: secret.key))
    }
}
