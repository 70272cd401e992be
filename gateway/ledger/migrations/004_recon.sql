-- Reconciliation: when an exception was resolved by hand, and the indexes
-- the reconciliation reports read by.

ALTER TABLE exceptions ADD COLUMN resolved_at BIGINT NOT NULL DEFAULT 0;

CREATE INDEX claim_payments_remittance ON claim_payments (remittance_id);
CREATE INDEX claim_payments_date ON claim_payments (payment_date);
CREATE INDEX provider_adjustments_remittance ON provider_adjustments (remittance_id);
CREATE INDEX claim_adjustments_payment ON claim_adjustments (payment_id, line_no);
CREATE INDEX claim_remarks_payment ON claim_remarks (payment_id, line_no);
CREATE INDEX claim_history_status ON claim_history (to_status, claim_id);
CREATE INDEX remittances_trace ON remittances (trace_number);
CREATE INDEX exceptions_file ON exceptions (inbound_sha256, st02);
