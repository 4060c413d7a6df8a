/// The table of shared-service kinds Control can start. To add a kind, add one line
/// here; `mitten service --kind NAME` and `ensureService(kind:name:)` pick it up.
public enum ServiceKinds {
    /// Every kind by name.
    public static let table: [String: ServiceKind] = Dictionary(uniqueKeysWithValues: [
        ServiceKind(name: StatisticsService.kindName) { context in StatisticsService(name: context.name) },
        ServiceKind(name: QueueService.kindName) { context in try QueueService(context: context) },
        ServiceKind(name: MutexService.kindName) { context in try MutexService(context: context) },
        ServiceKind(name: StoreService.kindName) { context in try StoreService(context: context) },
    ].map { ($0.name, $0) })
}
