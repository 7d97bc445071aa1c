/// How a store runs several writes in one transaction (`Store.writeEach`) while each still commits or fails as if it
/// had the transaction to itself.
///
/// The bodies run in order in one transaction, each checked as a commit would check it (`check`: rows naming a
/// customer who does not exist). When body `i` throws or fails that check, the transaction is undone; the bodies
/// before it, which succeeded on the same state, run together again, `i` gets its error, and the bodies after it
/// form a group of their own. So a failing body costs one more run of those before it, never a run of every body
/// alone. When the transaction fails with no body at fault (the database busy, a full disk), every body gets that
/// error, as each would have alone.
public enum WriteGroup {
    /// `transaction` runs its argument in one transaction, committing when it returns and undoing it when it throws.
    public static func run<T, Transaction>(
        _ bodies: [(Transaction) throws -> T],
        transaction: (_ body: (Transaction) throws -> [T]) throws -> [T],
        check: (Transaction) throws -> Void
    ) -> [Result<T, any Error>] {
        guard !bodies.isEmpty else { return [] }
        var fault: (index: Int, error: any Error)?
        do {
            return try withoutActuallyEscaping(check) { check in
                try transaction { tx in
                    try bodies.indices.map { index in
                        do {
                            let value = try bodies[index](tx)
                            try check(tx)
                            return value
                        } catch {
                            fault = (index, error)
                            throw error
                        }
                    }
                }
            }.map { .success($0) }
        } catch {
            guard let fault else { return bodies.map { _ in .failure(error) } }
            let before = run(Array(bodies[..<fault.index]), transaction: transaction, check: check)
            let after = run(Array(bodies[(fault.index + 1)...]), transaction: transaction, check: check)
            return before + [.failure(fault.error)] + after
        }
    }
}
