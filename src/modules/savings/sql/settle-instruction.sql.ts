/**
 * `savings_settle_instruction(id, run)`: settles one instruction in the caller's transaction and
 * returns its final status (the settlement run sends one call per instruction, SETTLE_BATCH
 * transactions a round trip). A close expects the account's accrual caught up to today (the
 * settlement run does that first, for every due close); if the day turned in between, it raises,
 * the run's batch stops there and the retried job catches up again, so no day's interest is lost.
 *
 * Migration 1763700000030 creates the function from this text, so a fresh database gets exactly
 * what is here. Databases that already ran it keep their copy: changing the rule means changing
 * this text *and* a new migration that runs it again (CREATE OR REPLACE). The text must stay
 * valid against the schema as of 1763700000030, since fresh databases run it there first.
 */
export const SETTLE_INSTRUCTION_SQL = `CREATE OR REPLACE FUNCTION savings_settle_instruction(p_id bigint, p_run text) RETURNS text
         LANGUAGE plpgsql AS $$
         DECLARE
           i savings_instructions%ROWTYPE;
           a savings_accounts%ROWTYPE;
           v savings_product_versions%ROWTYPE;
           t timestamptz := clock_timestamp();
           d date := (clock_timestamp() AT TIME ZONE 'UTC')::date;
           reject text;
           paid numeric;
         BEGIN
           SELECT * INTO i FROM savings_instructions WHERE id = p_id FOR UPDATE;
           IF NOT FOUND OR i.status <> 'Created' THEN RETURN coalesce(i.status, 'missing'); END IF;

           IF i.kind = 'deposit' AND i.account_id IS NULL THEN
             SELECT * INTO v FROM savings_product_versions
              WHERE product_id = i.product_id AND version = i.product_version;
             INSERT INTO savings_accounts (organization_id, portfolio_id, product_id, product_version, opened_at,
                                           opening_date, matures_at, maturity_date, amount, accrued_until)
             VALUES (i.organization_id, i.portfolio_id, i.product_id, i.product_version, t, d,
                     CASE WHEN v.term_months IS NOT NULL
                          THEN ((t AT TIME ZONE 'UTC') + make_interval(months => v.term_months)) AT TIME ZONE 'UTC' END,
                     CASE WHEN v.term_months IS NOT NULL THEN (d + make_interval(months => v.term_months))::date END,
                     i.amount, d)
             RETURNING * INTO a;
             UPDATE savings_instructions SET account_id = a.id WHERE id = i.id;
             INSERT INTO savings_movements (organization_id, account_id, instruction_id, effective_date, amount)
             VALUES (i.organization_id, a.id, i.id, d, i.amount);
           ELSE
             SELECT * INTO a FROM savings_accounts WHERE id = i.account_id FOR UPDATE;
             IF a.status = 'closed' THEN
               reject := 'The deposit account is closed';
             ELSIF i.kind = 'deposit' AND a.status <> 'open' THEN
               reject := 'The deposit account has matured and takes no further deposits';
             ELSIF i.kind <> 'deposit' AND a.status = 'open' AND a.matures_at IS NOT NULL AND t < a.matures_at THEN
               reject := 'A fixed-term account cannot be withdrawn from or closed before it matures';
             ELSIF i.kind = 'withdrawal' AND i.amount > a.amount THEN
               reject := format('Insufficient funds: the withdrawal of %s exceeds the available balance of %s', i.amount, a.amount);
             END IF;
             IF reject IS NOT NULL THEN
               UPDATE savings_instructions SET status = 'Rejected', reason = reject, processed_at = t, run_id = p_run
                WHERE id = i.id;
               PERFORM savings_touch_portfolio(i.portfolio_id, p_run);
               RETURN 'Rejected';
             END IF;

             IF i.kind = 'close' THEN
               IF a.status = 'open' AND a.accrued_until < d THEN
                 RAISE EXCEPTION 'savings account % is accrued only until %, not %', a.id, a.accrued_until, d
                   USING ERRCODE = 'object_not_in_prerequisite_state';
               END IF;
               -- Interest up to the closing day is paid rounded down; the sub-penny rest is forfeited.
               paid := trunc(a.interest_accrued, 2);
               UPDATE savings_accounts
                  SET amount = 0, interest_paid = interest_paid + paid, interest_accrued = 0,
                      interest_forfeited = interest_forfeited + (a.interest_accrued - paid),
                      status = 'closed', closed_at = t, updated_at = t
                WHERE id = a.id;
               IF a.amount > 0 THEN
                 INSERT INTO savings_movements (organization_id, account_id, instruction_id, effective_date, amount)
                 VALUES (i.organization_id, a.id, i.id, d, -a.amount);
               END IF;
               UPDATE savings_instructions
                  SET amount = a.amount, interest_paid = paid, interest_forfeited = a.interest_accrued - paid
                WHERE id = i.id;
             ELSE
               UPDATE savings_accounts
                  SET amount = amount + CASE WHEN i.kind = 'deposit' THEN i.amount ELSE -i.amount END,
                      status = CASE WHEN i.kind = 'withdrawal' AND status = 'matured' AND amount = i.amount
                                    THEN 'closed' ELSE status END,
                      closed_at = CASE WHEN i.kind = 'withdrawal' AND status = 'matured' AND amount = i.amount
                                       THEN t END,
                      updated_at = t
                WHERE id = a.id;
               INSERT INTO savings_movements (organization_id, account_id, instruction_id, effective_date, amount)
               VALUES (i.organization_id, a.id, i.id, d, CASE WHEN i.kind = 'deposit' THEN i.amount ELSE -i.amount END);
             END IF;
           END IF;

           UPDATE savings_instructions SET status = 'Processed', processed_at = t, run_id = p_run WHERE id = i.id;
           PERFORM savings_touch_portfolio(i.portfolio_id, p_run);
           RETURN 'Processed';
         END $$`;
