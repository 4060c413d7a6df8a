/// MittenCluster: the runtime (wire protocol, registry, control, shared services,
/// supervisor), the console, configuration, logging and cluster provisioning.
public enum MittenCluster {
    /// The version `mitten version` prints.
    public static let version = "0.1.0"
}
