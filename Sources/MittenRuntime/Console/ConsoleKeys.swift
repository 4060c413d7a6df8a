/// Keys the console reacts to, decoded from raw terminal input bytes.
public enum ConsoleKey: Sendable, Equatable {
    /// Quit (`q`, `Q`, Ctrl-C, Ctrl-D).
    case quit
    /// One line up (↑, `k`).
    case up
    /// One line down (↓, `j`).
    case down
    /// One page up (PgUp, `b`).
    case pageUp
    /// One page down (PgDn, space).
    case pageDown
    /// To the top (Home, `g`).
    case home
    /// To the bottom (End, `G`).
    case end

    /// Decodes the keys in `bytes` (one read's worth); unknown input is ignored. Handles
    /// both CSI (`ESC [`) and SS3 (`ESC O`) forms of the arrow, Home and End keys.
    public static func parse(_ bytes: [UInt8]) -> [ConsoleKey] {
        var keys: [ConsoleKey] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            guard byte == 0x1B else {
                switch byte {
                case UInt8(ascii: "q"), UInt8(ascii: "Q"), 0x03, 0x04: keys.append(.quit)
                case UInt8(ascii: "k"): keys.append(.up)
                case UInt8(ascii: "j"): keys.append(.down)
                case UInt8(ascii: "b"): keys.append(.pageUp)
                case UInt8(ascii: " "): keys.append(.pageDown)
                case UInt8(ascii: "g"): keys.append(.home)
                case UInt8(ascii: "G"): keys.append(.end)
                default: break
                }
                continue
            }
            guard index < bytes.count, bytes[index] == UInt8(ascii: "[") || bytes[index] == UInt8(ascii: "O") else { continue }
            index += 1
            // Parameters (digits and ';') then one final byte.
            var parameter = ""
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x3F {
                parameter.append(Character(UnicodeScalar(bytes[index])))
                index += 1
            }
            guard index < bytes.count else { break }
            let final = bytes[index]
            index += 1
            switch (final, parameter) {
            case (UInt8(ascii: "A"), _): keys.append(.up)
            case (UInt8(ascii: "B"), _): keys.append(.down)
            case (UInt8(ascii: "H"), _), (UInt8(ascii: "~"), "1"), (UInt8(ascii: "~"), "7"): keys.append(.home)
            case (UInt8(ascii: "F"), _), (UInt8(ascii: "~"), "4"), (UInt8(ascii: "~"), "8"): keys.append(.end)
            case (UInt8(ascii: "~"), "5"): keys.append(.pageUp)
            case (UInt8(ascii: "~"), "6"): keys.append(.pageDown)
            default: break
            }
        }
        return keys
    }

    /// The scroll offset after this key, for a body of `count` lines of which `page` fit.
    /// (The renderer clamps the result to the body.)
    public func scrolled(_ offset: Int, page: Int, count: Int) -> Int {
        let bottom = max(count - page, 0)
        let step = max(page - 1, 1)
        switch self {
        case .quit: return offset
        case .up: return max(offset - 1, 0)
        case .down: return min(offset + 1, bottom)
        case .pageUp: return max(offset - step, 0)
        case .pageDown: return min(offset + step, bottom)
        case .home: return 0
        case .end: return bottom
        }
    }
}
