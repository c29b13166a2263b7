// The screen pop: who the customer is, what they told the IVR or the pre-chat form, and their recent contacts.
import type { ScreenPop } from './agent-model';
import { Attributes } from './offer-card';

export function CustomerPanel({ pop }: { pop: ScreenPop | undefined }) {
  if (!pop)
    return (
      <aside className="panel" aria-label="Customer">
        <h2>Customer</h2>
        <p className="muted">The customer appears here when a contact rings.</p>
      </aside>
    );
  const { customer, recent } = pop;
  return (
    <aside className="panel" aria-label="Customer">
      <h2>{customer.name || customer.phoneNumber || customer.email || 'Unknown customer'}</h2>
      <dl className="facts">
        {customer.phoneNumber && (
          <>
            <dt>Phone</dt>
            <dd>{customer.phoneNumber}</dd>
          </>
        )}
        {customer.email && (
          <>
            <dt>E-mail</dt>
            <dd>{customer.email}</dd>
          </>
        )}
      </dl>
      {Object.values(pop.attributes).some((value) => value !== '') && (
        <>
          <h3 style={{ marginTop: '0.8rem' }}>Details</h3>
          <Attributes attributes={pop.attributes} />
        </>
      )}
      <h3 style={{ marginTop: '0.8rem' }}>Recent contacts</h3>
      {recent.length === 0 ? (
        <p className="muted">No earlier contacts.</p>
      ) : (
        <ol className="timeline" aria-label="Recent contacts">
          {recent.map((contact) => (
            <li key={contact.interactionId}>
              {contact.channel.toLowerCase()} ·{' '}
              {contact.createdAt ? new Date(contact.createdAt).toLocaleString() : 'date unknown'}
              {contact.wrapUpCode ? ` · ${contact.wrapUpCode}` : ''}
            </li>
          ))}
        </ol>
      )}
    </aside>
  );
}
