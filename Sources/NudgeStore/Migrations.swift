/// The schema, as numbered migrations applied in order; `PRAGMA user_version` records how far a database got.
/// Never edit a released migration: add the next number.
enum Migrations {
    static let all: [Migration] = [
        .sql(1, v1),
        .sql(2, v2),
        .sql(3, v3),
        .sql(4, v4),
        .sql(5, v5),
        .sql(6, v6),
        Migration(version: 7, apply: ValueListChecks.rewrite),
        Migration(version: 8, apply: moveOutboxContent),
        Migration(version: 9, apply: mergeCustomerFacts),
    ]

    /// A customer's facts move into the customer's own row. Ingest changes a customer's facts with nearly every
    /// event, and their stage often: as two rows in two tables, a new customer or a stage change wrote two B-trees
    /// (two pages to the write-ahead log, not one), and every read of a customer joined them. A customer without a
    /// facts row gets the columns' defaults, which are what such a customer read as. A database taken back to
    /// version 5–8 to be migrated again has no facts table left to merge (below 5, migrations 3 and 5 need the
    /// table itself).
    static func mergeCustomerFacts(_ connection: SQLiteConnection) throws {
        let factsTable = try connection.statement(
            text: "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'customer_facts'"
        ).first { _ in true }
        guard factsTable != nil else { return }
        try connection.execute(
            """
            ALTER TABLE customers ADD COLUMN purchase_count INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE customers ADD COLUMN total_spent REAL NOT NULL DEFAULT 0;
            ALTER TABLE customers ADD COLUMN first_purchase_at REAL;
            ALTER TABLE customers ADD COLUMN last_purchase_at REAL;
            ALTER TABLE customers ADD COLUMN signup_at REAL;
            ALTER TABLE customers ADD COLUMN trial_ends_at REAL;
            ALTER TABLE customers ADD COLUMN plan TEXT;
            ALTER TABLE customers ADD COLUMN usage TEXT NOT NULL DEFAULT '{}';
            ALTER TABLE customers ADD COLUMN owned_skus TEXT NOT NULL DEFAULT '[]';
            ALTER TABLE customers ADD COLUMN owned_categories TEXT NOT NULL DEFAULT '[]';
            ALTER TABLE customers ADD COLUMN complaints INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE customers ADD COLUMN unsubscribed TEXT NOT NULL DEFAULT '[]';
            ALTER TABLE customers ADD COLUMN unsubscribed_all INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE customers ADD COLUMN stage_check_at REAL;
            UPDATE customers SET purchase_count = f.purchase_count, total_spent = f.total_spent,
                first_purchase_at = f.first_purchase_at, last_purchase_at = f.last_purchase_at,
                signup_at = f.signup_at, trial_ends_at = f.trial_ends_at, plan = f.plan, usage = f.usage,
                owned_skus = f.owned_skus, owned_categories = f.owned_categories, complaints = f.complaints,
                unsubscribed = f.unsubscribed, unsubscribed_all = f.unsubscribed_all, stage_check_at = f.stage_check_at
            FROM customer_facts f WHERE f.customer_id = customers.id;
            DROP TABLE customer_facts;
            CREATE INDEX customers_stage_check ON customers(stage_check_at) WHERE stage_check_at IS NOT NULL;
            """)
    }

    /// A message's recipient and content move to a table of their own, the content one column per field. They are
    /// written once and read on each claim, while the outbox row changes state at least twice per attempt: SQLite
    /// rewrites a whole row on every update, and an email's content (several kilobytes) spilled onto overflow pages
    /// that each claim and each finished attempt copied again, and wrote again to the WAL. Columns also spare each
    /// claim a JSON parse of the content. (The content was `JSONEncoder`'s: dates in seconds since 2001.) A database
    /// taken back to an earlier version to be migrated again has no columns left to move.
    static func moveOutboxContent(_ connection: SQLiteConnection) throws {
        try connection.execute(
            """
            CREATE TABLE IF NOT EXISTS outbox_content (
                message_id INTEGER PRIMARY KEY REFERENCES outbox(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
                recipient TEXT NOT NULL,
                subject TEXT,
                preheader TEXT,
                text TEXT NOT NULL,
                html TEXT,
                title TEXT,
                url TEXT,
                unsubscribe_url TEXT,
                recommended_skus TEXT NOT NULL DEFAULT '[]',
                offer_expires_at REAL
            )
            """)
        let columns = try connection.statement(text: "PRAGMA table_info(outbox)").rows { $0.text(1) }
        guard columns.contains("content") else { return }
        try connection.execute(
            """
            INSERT INTO outbox_content (message_id, recipient, subject, preheader, text, html, title, url,
                unsubscribe_url, recommended_skus, offer_expires_at)
            SELECT id, recipient, json_extract(content, '$.subject'), json_extract(content, '$.preheader'),
                json_extract(content, '$.text'), json_extract(content, '$.html'), json_extract(content, '$.title'),
                json_extract(content, '$.url'), json_extract(content, '$.unsubscribeURL'),
                COALESCE(json_extract(content, '$.recommendedSKUs'), '[]'),
                json_extract(content, '$.offerExpiresAt') + 978307200
            FROM outbox;
            ALTER TABLE outbox DROP COLUMN recipient;
            ALTER TABLE outbox DROP COLUMN content;
            """)
    }

    /// Checkout pages filtered by category read the SKUs of a category's active products from this index alone (with
    /// v5's partial index, SQLite also looks up each product's row). `IF NOT EXISTS`: a database taken back to an
    /// earlier version to be migrated again keeps it.
    static let v6 = """
        CREATE INDEX IF NOT EXISTS products_by_category ON products(category, active);
        """
    /// Co-purchase statistics for `also_bought`, counted in customers (see `CoPurchaseDelta`), kept up to date by
    /// ingest: per SKU the customers who bought it, per ordered pair of SKUs the customers who bought both (each pair
    /// stored both ways, ranked per SKU by an index), and the customers who bought anything. A database that already
    /// holds purchases gets them from each customer's owned SKUs, which is exactly what ingest would have counted.
    /// Checkout pages and `same_category` read a category's active products.
    static let v5 = """
        CREATE TABLE sku_customers (
            sku TEXT PRIMARY KEY,
            customers INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE co_purchases (
            sku TEXT NOT NULL,
            other TEXT NOT NULL,
            customers INTEGER NOT NULL,
            PRIMARY KEY (sku, other)
        ) WITHOUT ROWID;
        CREATE INDEX co_purchases_ranked ON co_purchases(sku, customers DESC, other);
        CREATE TABLE purchasing_customers (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            customers INTEGER NOT NULL
        );
        CREATE INDEX products_active_by_category ON products(category) WHERE active = 1;

        INSERT INTO sku_customers (sku, customers)
            SELECT owned.value, COUNT(*) FROM customer_facts f, json_each(f.owned_skus) owned GROUP BY owned.value;
        INSERT INTO co_purchases (sku, other, customers)
            SELECT a.value, b.value, COUNT(*) FROM customer_facts f, json_each(f.owned_skus) a, json_each(f.owned_skus) b
            WHERE a.value <> b.value GROUP BY a.value, b.value;
        INSERT INTO purchasing_customers (id, customers)
            SELECT 1, COUNT(*) FROM customer_facts WHERE json_array_length(owned_skus) > 0;
        """
    /// Dated promotions enroll customers in batches and must never enroll anyone twice, across restarts.
    static let v4 = """
        CREATE TABLE schedule_runs (
            campaign TEXT PRIMARY KEY,
            cursor TEXT NOT NULL,
            done INTEGER NOT NULL
        ) WITHOUT ROWID;
        """
    /// The next moment a customer's stage can change by time alone, found without scanning every customer.
    static let v3 = """
        ALTER TABLE customer_facts ADD COLUMN stage_check_at REAL;
        CREATE INDEX customer_facts_stage_check ON customer_facts(stage_check_at) WHERE stage_check_at IS NOT NULL;
        """
    /// Frequency caps read a customer's recent messages.
    static let v2 = """
        CREATE INDEX outbox_by_customer ON outbox(customer_id, created_at);
        """

    // Foreign keys are checked at commit, so a transaction may store a new customer's events before the
    // customer row itself.
    static let v1 = """
        CREATE TABLE customers (
            id TEXT PRIMARY KEY,
            email TEXT,
            phone TEXT,
            push_tokens TEXT NOT NULL DEFAULT '[]',
            timezone TEXT,
            locale TEXT,
            attributes TEXT NOT NULL DEFAULT '{}',
            consent TEXT NOT NULL DEFAULT '{}',
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL,
            stage TEXT,
            stage_entered_at REAL
        ) WITHOUT ROWID;

        CREATE TABLE customer_facts (
            customer_id TEXT PRIMARY KEY REFERENCES customers(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
            purchase_count INTEGER NOT NULL DEFAULT 0,
            total_spent REAL NOT NULL DEFAULT 0,
            first_purchase_at REAL,
            last_purchase_at REAL,
            signup_at REAL,
            trial_ends_at REAL,
            plan TEXT,
            usage TEXT NOT NULL DEFAULT '{}',
            owned_skus TEXT NOT NULL DEFAULT '[]',
            owned_categories TEXT NOT NULL DEFAULT '[]',
            complaints INTEGER NOT NULL DEFAULT 0,
            unsubscribed TEXT NOT NULL DEFAULT '[]',
            unsubscribed_all INTEGER NOT NULL DEFAULT 0
        ) WITHOUT ROWID;

        CREATE TABLE products (
            sku TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            category TEXT,
            price REAL NOT NULL CHECK (price >= 0),
            cost REAL CHECK (cost >= 0),
            currency TEXT NOT NULL,
            url TEXT,
            image_url TEXT,
            active INTEGER NOT NULL DEFAULT 1
        ) WITHOUT ROWID;

        CREATE TABLE events (
            seq INTEGER PRIMARY KEY,
            id TEXT UNIQUE,
            type TEXT NOT NULL,
            customer_id TEXT NOT NULL REFERENCES customers(id) DEFERRABLE INITIALLY DEFERRED,
            timestamp REAL NOT NULL,
            properties TEXT NOT NULL
        );
        CREATE INDEX events_by_customer ON events(customer_id, timestamp);

        CREATE TABLE stage_history (
            seq INTEGER PRIMARY KEY,
            customer_id TEXT NOT NULL REFERENCES customers(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
            from_stage TEXT,
            to_stage TEXT NOT NULL,
            at REAL NOT NULL
        );
        CREATE INDEX stage_history_by_customer ON stage_history(customer_id, seq);

        CREATE TABLE enrollments (
            id INTEGER PRIMARY KEY,
            campaign TEXT NOT NULL,
            customer_id TEXT NOT NULL REFERENCES customers(id) DEFERRABLE INITIALLY DEFERRED,
            arm TEXT NOT NULL CHECK (arm IN ('treatment', 'holdout')),
            variant TEXT,
            enrolled_at REAL NOT NULL,
            triggered_at REAL NOT NULL,
            trigger_event TEXT,
            next_step TEXT,
            next_due_at REAL,
            state TEXT NOT NULL CHECK (state IN ('active', 'completed', 'exited', 'expired')),
            end_reason TEXT
        );
        CREATE INDEX enrollments_due ON enrollments(next_due_at) WHERE state = 'active' AND next_due_at IS NOT NULL;
        CREATE INDEX enrollments_by_customer ON enrollments(customer_id, campaign, id);

        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            campaign TEXT NOT NULL,
            step TEXT NOT NULL,
            variant TEXT,
            customer_id TEXT NOT NULL REFERENCES customers(id) DEFERRABLE INITIALLY DEFERRED,
            channel TEXT NOT NULL,
            recipient TEXT NOT NULL,
            content TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'dead')),
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at REAL NOT NULL,
            lease_until REAL,
            created_at REAL NOT NULL,
            is_marketing INTEGER NOT NULL
        );
        CREATE INDEX outbox_due ON outbox(channel, next_attempt_at) WHERE state = 'queued';
        CREATE INDEX outbox_leased ON outbox(lease_until) WHERE state = 'sending';

        CREATE TABLE dispatch_log (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            campaign TEXT NOT NULL,
            step TEXT NOT NULL,
            variant TEXT,
            customer_id TEXT NOT NULL,
            channel TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN
                ('queued', 'sent', 'delivered', 'deferred', 'suppressed', 'failed', 'retrying', 'dead')),
            reason TEXT,
            attempt INTEGER NOT NULL DEFAULT 0,
            message_key TEXT,
            provider_id TEXT,
            latency_ms INTEGER,
            error TEXT
        );
        CREATE INDEX dispatch_log_by_customer ON dispatch_log(customer_id, seq);
        CREATE TRIGGER dispatch_log_is_append_only_update BEFORE UPDATE ON dispatch_log
            BEGIN SELECT RAISE(ABORT, 'dispatch_log is append-only'); END;
        CREATE TRIGGER dispatch_log_is_append_only_delete BEFORE DELETE ON dispatch_log
            BEGIN SELECT RAISE(ABORT, 'dispatch_log is append-only'); END;
        """

    /// Brings the database up to the latest version (or to `target`), each migration in its own transaction.
    static func apply(to connection: SQLiteConnection, upTo target: Int? = nil) throws {
        let current = try connection.statement(text: "PRAGMA user_version").first { Int($0.int(0)) } ?? 0
        guard let latest = all.last?.version else { return }
        if current > latest {
            throw SQLiteError(
                code: 1,
                message: "the database is at schema version \(current), newer than this nudge (\(latest)): upgrade nudge")
        }
        for migration in all where migration.version > current && migration.version <= target ?? latest {
            try connection.transaction(immediate: true) {
                try migration.apply(connection)
                try connection.execute("PRAGMA user_version = \(migration.version)")
            }
        }
    }
}

/// One numbered step of the schema: SQL, or work that needs more than SQL can say.
struct Migration: Sendable {
    let version: Int
    let apply: @Sendable (SQLiteConnection) throws -> Void

    static func sql(_ version: Int, _ text: String) -> Migration {
        Migration(version: version) { try $0.execute(text) }
    }
}
