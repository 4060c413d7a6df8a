/// Values keyed by item id, for ids handed out in increasing order (a queue's items
/// and its ack tombstones): pages of 1024 slots, found by `id / 1024` in an array of
/// pages, so a lookup is two indexings instead of hashing the id (SipHash) and
/// probing, which was the queue's largest cost per item. A page goes when its last
/// value does, and empty pages at the front are dropped: ids long gone cost nothing,
/// and one old id that stays (a dead letter) costs its page and an empty entry per
/// page after it.
struct IDTable<Value> {
    private static var shift: Int64 { 10 }
    private static var pageSize: Int { 1 << 10 }

    fileprivate struct Page {
        var slots: [Value?]
        var live = 0
        init() { slots = Array(repeating: nil, count: IDTable.pageSize) }
    }

    /// `pages[front + k]` holds ids `(firstPage + k) * 1024 ..< (firstPage + k + 1) * 1024`;
    /// entries before `front` are dropped pages not yet compacted away.
    private var pages: [Page?] = []
    private var front = 0
    private var firstPage: Int64 = 0
    /// Values held.
    private(set) var count = 0

    init() {}

    /// The index in `pages` and the slot of `id`, if its page is in range.
    private func location(_ id: Int64) -> (page: Int, slot: Int)? {
        guard id >= 0 else { return nil }
        let page = (id >> Self.shift) - firstPage
        guard page >= 0, page < Int64(pages.count - front) else { return nil }
        return (front + Int(page), Int(id & Int64(Self.pageSize - 1)))
    }

    subscript(id: Int64) -> Value? {
        get {
            guard let (page, slot) = location(id) else { return nil }
            return pages[page]?.slots[slot]
        }
        set {
            if let newValue { insert(newValue, at: id) } else { removeValue(forKey: id) }
        }
    }

    @discardableResult
    mutating func removeValue(forKey id: Int64) -> Value? {
        guard let (page, slot) = location(id), let old = pages[page]?.slots[slot] else { return nil }
        pages[page]!.slots[slot] = nil
        pages[page]!.live -= 1
        count -= 1
        if pages[page]!.live == 0 {
            pages[page] = nil
            trim()
        }
        return old
    }

    /// Drops empty pages at both ends; compacts the front once it is half the array.
    private mutating func trim() {
        while front < pages.count, pages[front] == nil {
            front += 1
            firstPage += 1
        }
        while pages.count > front, pages[pages.count - 1] == nil { pages.removeLast() }
        if front == pages.count {
            pages.removeAll(keepingCapacity: true)
            front = 0
        } else if front >= 64, front * 2 >= pages.count {
            pages.removeFirst(front)
            front = 0
        }
    }

    private mutating func insert(_ value: Value, at id: Int64) {
        precondition(id >= 0, "item ids are not negative")
        let pageNumber = id >> Self.shift
        if front == pages.count { firstPage = pageNumber }
        if pageNumber < firstPage {
            // An id below the first page held (rare: a queue's ids only grow).
            let missing = Int(firstPage - pageNumber)
            if missing <= front {
                front -= missing
            } else {
                pages.insert(contentsOf: repeatElement(nil, count: missing - front), at: 0)
                front = 0
            }
            firstPage = pageNumber
        }
        let page = front + Int(pageNumber - firstPage)
        if page >= pages.count { pages.append(contentsOf: repeatElement(nil, count: page - pages.count + 1)) }
        let slot = Int(id & Int64(Self.pageSize - 1))
        if pages[page] == nil { pages[page] = Page() }
        if pages[page]!.slots[slot] == nil {
            pages[page]!.live += 1
            count += 1
        }
        pages[page]!.slots[slot] = value
    }

    /// Every (id, value), in id order.
    func forEach(_ body: (Int64, Value) throws -> Void) rethrows {
        for index in front..<pages.count {
            guard let page = pages[index] else { continue }
            let base = (firstPage + Int64(index - front)) << Self.shift
            for (slot, value) in page.slots.enumerated() {
                if let value { try body(base + Int64(slot), value) }
            }
        }
    }
}

extension IDTable: Sendable where Value: Sendable {}
extension IDTable.Page: Sendable where Value: Sendable {}
