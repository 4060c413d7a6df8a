/// Where `up` learns Control's address while Control boots. Nova shows a server's fixed
/// address while it is still building, so workers are booted as soon as that *early*
/// address is known (their user-data names it), in parallel with Control's own boot;
/// each worker's bootstrap then waits for the *final* address, that of the Control
/// that became ACTIVE (after an ERROR boot Control is booted again and may get another
/// address), and uploads it as `/etc/mitten/control`.
///
/// It also says whether workers may fetch the binary from Control's relay: yes once
/// Control was bootstrapped by this run (it then runs the binary being provisioned), no
/// when Control existed before (it may run another build).
actor ControlAddressBoard {
    private var early: String?
    private var final: String?
    private var failure: (any Error)?
    private var relay: Bool?

    /// Control was bootstrapped in this run (true), or existed already (false).
    func publishRelay(_ available: Bool) {
        if relay == nil { relay = available }
    }

    func currentRelay() throws -> Bool? {
        if let failure { throw failure }
        return relay
    }

    /// Control's server shows an address (it may still be building).
    func publishEarly(_ address: String) {
        if early == nil { early = address }
    }

    /// Control is ACTIVE at this address.
    func publishFinal(_ address: String) {
        if early == nil { early = address }
        final = address
    }

    /// Control failed: those waiting for its address fail too.
    func fail(_ error: any Error) {
        if final == nil { failure = error }
        if relay == nil { relay = false }
    }

    func current() throws -> (early: String?, final: String?) {
        if let failure { throw failure }
        return (early, final)
    }
}

extension ControlAddressBoard {
    /// Waits (polling `clock`, so cancellation ends the wait) for the early address.
    func earlyAddress<C: Clock>(clock: C) async throws -> String where C.Duration == Duration {
        while true {
            if let early = try current().early { return early }
            try await clock.sleep(for: .milliseconds(50))
        }
    }

    /// Waits until it is known whether Control's relay serves this run's binary.
    func relayAvailable<C: Clock>(clock: C) async throws -> Bool where C.Duration == Duration {
        while true {
            if let relay = try currentRelay() { return relay }
            try await clock.sleep(for: .milliseconds(50))
        }
    }

    /// Waits for the final address.
    func finalAddress<C: Clock>(clock: C) async throws -> String where C.Duration == Duration {
        while true {
            if let final = try current().final { return final }
            try await clock.sleep(for: .milliseconds(50))
        }
    }
}
