import MittenRuntime

/// MittenCluster: cluster provisioning on OpenStack (cluster file, plan, cloud-init,
/// SSH bootstrap) and the VM's boot-time role from the metadata service.
public enum MittenCluster {}
