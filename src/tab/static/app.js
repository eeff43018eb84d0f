// Placeholder dashboard (the full React dashboard is its own issue). It proves the path tab → API → identity.
(async function main() {
  const me = document.getElementById('me');
  const settings = await (await fetch('./settings.json')).json();
  if (settings.authMode !== 'dev') {
    me.innerHTML = '<p>Open Practice Loop from Microsoft Teams to see your dashboard.</p>';
    return;
  }
  const picker = document.getElementById('who');
  document.getElementById('signin').hidden = false;
  const users = (await (await fetch('../api/dev/users')).json()).value;
  for (const user of users) picker.add(new Option(`${user.displayName} — ${user.jobTitle ?? ''}`, user.id));
  const saved = localStorage.getItem('practiceLoop.devUser');
  if (saved && users.some((u) => u.id === saved)) picker.value = saved;
  async function show() {
    localStorage.setItem('practiceLoop.devUser', picker.value);
    const response = await fetch('../api/me', { headers: { 'x-dev-user': picker.value } });
    const body = await response.json();
    me.textContent = '';
    const p = document.createElement('p');
    p.textContent = response.ok ? `Hello ${body.displayName} (${body.department ?? 'no department'}).` : body.error;
    me.append(p);
  }
  picker.addEventListener('change', show);
  await show();
})().catch((error) => {
  document.getElementById('me').textContent = `The dashboard could not load: ${error.message}. Reload the page to try again.`;
});
