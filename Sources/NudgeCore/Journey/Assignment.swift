/// Puts enrollments in the holdout or treatment arm and picks A/B variants, reproducibly.
///
/// Both come from a stable hash of the campaign id, the customer id and a salt — not Swift's `Hasher`, which is seeded
/// per process — so a customer gets the same arm and variant on every run, machine and release. The arm and the
/// variant use different salts, so which variant a customer gets does not depend on how close they came to the
/// holdout. Changing the hash would reassign customers: treat it as a stored format.
public enum Assignment {
    /// `.holdout` for a share `holdout` (0 … 0.5, clamped) of customers, `.treatment` for the rest.
    public static func arm(campaign: String, customerID: String, holdout: Double) -> Arm {
        let share = min(max(holdout, 0), 0.5)
        return fraction(campaign: campaign, customerID: customerID, salt: "arm") < share ? .holdout : .treatment
    }

    /// The id of the variant for this customer, each variant taking a share proportional to its `weight`; nil when
    /// there are no variants. Variants with no positive weight are never picked unless no variant has one, in which
    /// case the first is.
    public static func variant(campaign: String, customerID: String, variants: [Variant]) -> String? {
        let total = variants.reduce(0) { $0 + max($1.weight, 0) }
        guard total > 0 else { return variants.first?.id }
        let point = fraction(campaign: campaign, customerID: customerID, salt: "variant") * Double(total)
        var upperBound = 0
        for variant in variants where variant.weight > 0 {
            upperBound += variant.weight
            if point < Double(upperBound) { return variant.id }
        }
        return variants.last { $0.weight > 0 }?.id
    }

    /// A uniform fraction in [0, 1) from `campaign\0customerID\0salt`.
    static func fraction(campaign: String, customerID: String, salt: String) -> Double {
        let hash = StableHash.mixed(StableHash.fnv1a64(campaign + "\u{0}" + customerID + "\u{0}" + salt))
        return Double(hash >> 11) / Double(UInt64(1) << 53)
    }
}

/// A process-independent 64-bit hash of text.
enum StableHash {
    /// FNV-1a, 64 bits, over the UTF-8 bytes of `text`.
    static func fnv1a64(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return hash
    }

    /// MurmurHash3's 64-bit finaliser: spreads FNV's weak high bits so the top 53 bits are uniform.
    static func mixed(_ value: UInt64) -> UInt64 {
        var x = value
        x ^= x >> 33
        x &*= 0xff51_afd7_ed55_8ccd
        x ^= x >> 33
        x &*= 0xc4ce_b9fe_1a85_ec53
        x ^= x >> 33
        return x
    }
}
