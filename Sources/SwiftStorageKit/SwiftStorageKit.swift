/// SwiftStorageKit: OpenStack Swift object storage, streamed and verified.
public enum SwiftStorageKit {}
