/// What a campaign file is checked against: the other files of the set.
public struct CampaignContext: Sendable {
    /// Stage names from `stages.yml`; nil when it could not be loaded (stage references are then not checked).
    public var stages: Set<String>?
    /// Channels configured in `nudge.yml`.
    public var channels: Set<Channel>
    /// Templates; nil when the templates folder could not be read (template references are then not checked).
    public var templates: TemplateSet?
    /// SKUs in the product catalog; nil when no catalog is at hand (SKUs are then not checked).
    public var catalog: Set<String>?

    public init(stages: Set<String>?, channels: Set<Channel>, templates: TemplateSet?, catalog: Set<String>?) {
        self.stages = stages
        self.channels = channels
        self.templates = templates
        self.catalog = catalog
    }
}
