import Testing
@testable import MittenRuntime

/// The queue's id-keyed table against a Dictionary doing the same: random inserts in
/// increasing id order (as a queue hands them out), removals in any order, values
/// re-set, ids that come back after their page went, and lookups of ids it never held.
@Suite struct IDTableTests {
    @Test(arguments: [1, 7, 42, 2026, 99_991] as [UInt64])
    func behavesLikeADictionary(seed: UInt64) {
        var random = SplitMix(seed: seed)
        var table = IDTable<Int>()
        var oracle: [Int64: Int] = [:]
        // The oracle's ids in an array too, for picking one at random in constant time.
        var held: [Int64] = []
        var nextID: Int64 = Int64.random(in: 0...5000, using: &random)
        // Disagreements are collected and checked once (an #expect per operation is slow).
        var disagreements: [String] = []
        for step in 0..<4_000 {
            switch Int.random(in: 0..<10, using: &random) {
            case 0...3:
                // A run of new ids, as pushes bring them.
                for _ in 0..<Int.random(in: 1...300, using: &random) {
                    table[nextID] = step
                    oracle[nextID] = step
                    held.append(nextID)
                    nextID += 1
                }
            case 4...6:
                // Removals, mostly of old ids (acks of early items), some of missing ones.
                for _ in 0..<Int.random(in: 1...250, using: &random) {
                    let index = held.isEmpty ? nil : Int.random(in: 0..<held.count, using: &random)
                    let id = index.map { held[$0] } ?? Int64.random(in: -10...nextID, using: &random)
                    if let index { held.swapAt(index, held.count - 1); held.removeLast() }
                    let (removed, expected) = (table.removeValue(forKey: id), oracle.removeValue(forKey: id))
                    if removed != expected { disagreements.append("step \(step): removing \(id) gave \(String(describing: removed)), not \(String(describing: expected))") }
                }
            case 7:
                // Values changed in place (a lease taken).
                if let id = held.randomElement(using: &random) {
                    table[id] = -step
                    oracle[id] = -step
                }
            case 8:
                // An id below every page held, after its page went (a dead letter put back).
                let id = Int64.random(in: 0..<max(1, nextID), using: &random)
                if oracle[id] == nil { held.append(id) }
                table[id] = step
                oracle[id] = step
            default:
                for id in [Int64.min, -1, nextID, nextID + 1_000_000, Int64.max] + (0..<5).map({ _ in Int64.random(in: 0...nextID, using: &random) }) {
                    if table[id] != oracle[id] { disagreements.append("step \(step): id \(id) holds \(String(describing: table[id])), not \(String(describing: oracle[id]))") }
                }
            }
            if table.count != oracle.count { disagreements.append("step \(step): count \(table.count), not \(oracle.count)") }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(5))")
        var listed: [(Int64, Int)] = []
        table.forEach { listed.append(($0, $1)) }
        #expect(listed.map(\.0) == oracle.keys.sorted())
        #expect(listed.allSatisfy { oracle[$0.0] == $0.1 })
        #expect(listed.map(\.1) == oracle.keys.sorted().map { oracle[$0]! })
    }

    @Test func emptiedTablesForgetTheirPages() {
        var table = IDTable<String>()
        for id in Int64(0)..<5000 { table[id] = "\(id)" }
        for id in Int64(0)..<5000 { table[id] = nil }
        var left = 0
        table.forEach { _, _ in left += 1 }
        #expect(table.count == 0 && left == 0)
        table[3] = "back"
        #expect(table[3] == "back" && table[4999] == nil && table.count == 1)
    }
}
