/// MittenRuntime: the wire protocol, registry, control, shared services, supervisor,
/// task types, configuration, logging and console rendering that run on every VM.
public enum MittenRuntime {
    /// The version `mitten version` prints.
    public static let version = "0.1.0"
}
