/// A binary min-heap of lease expiries. Entries are not removed when a lease ends
/// early (ack, nack, renew); the owner checks each popped entry against its items.
struct LeaseHeap: Sendable {
    struct Entry: Sendable {
        var expiresAt: Timestamp
        var lease: LeaseID
    }

    private var entries: [Entry] = []

    var isEmpty: Bool { entries.isEmpty }
    var count: Int { entries.count }
    /// The earliest expiry held (possibly of a lease that already ended).
    var earliest: Timestamp? { entries.first?.expiresAt }

    mutating func insert(_ entry: Entry) {
        entries.append(entry)
        var child = entries.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard entries[child].expiresAt < entries[parent].expiresAt else { break }
            entries.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the earliest entry if it expires at or before `now`.
    mutating func popExpired(at now: Timestamp) -> Entry? {
        guard let first = entries.first, first.expiresAt <= now else { return nil }
        let last = entries.removeLast()
        if !entries.isEmpty {
            entries[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var smallest = parent
                if left < entries.count, entries[left].expiresAt < entries[smallest].expiresAt { smallest = left }
                if right < entries.count, entries[right].expiresAt < entries[smallest].expiresAt { smallest = right }
                if smallest == parent { break }
                entries.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return first
    }

    /// Drops every entry (used when the heap holds mostly dead entries and is rebuilt).
    mutating func removeAll() { entries.removeAll(keepingCapacity: true) }
}
